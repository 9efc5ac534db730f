namespace Scoring.V1;

/// <summary>Summing of partial summaries (batches of one call, or calls of one load).</summary>
public sealed partial class IngestSummary
{
    /// <summary>
    /// Adds <paramref name="part"/>'s counts to these; rejections are appended while fewer than
    /// <paramref name="maxRejections"/> are listed (the counts always cover every event).
    /// </summary>
    public void Add(IngestSummary part, int maxRejections)
    {
        ArgumentNullException.ThrowIfNull(part);
        Received += part.Received;
        Applied += part.Applied;
        Duplicate += part.Duplicate;
        Late += part.Late;
        Invalid += part.Invalid;
        foreach (var (reason, count) in part.InvalidByReason)
        {
            InvalidByReason[reason] = InvalidByReason.GetValueOrDefault(reason) + count;
        }

        for (var i = 0; i < part.Rejections.Count && Rejections.Count < maxRejections; i++)
        {
            Rejections.Add(part.Rejections[i]);
        }
    }
}
