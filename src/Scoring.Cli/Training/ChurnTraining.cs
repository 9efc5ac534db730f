using Scoring.Features;
using Scoring.V1;

namespace Scoring.Cli.Training;

/// <summary>One row of the churn training set.</summary>
internal sealed record ChurnRow(string CustomerId, int Snapshot, float[] Features, float Label);

/// <summary>
/// Point-in-time churn rows: at each monthly snapshot, every customer whose card is open and
/// who transacted in the 30 days before; features from events with event_time ≤ snapshot; label 1 when there is no
/// purchase or cash advance, or the card is closed, in (snapshot, snapshot + 90 days].
/// </summary>
internal static class ChurnTraining
{
    /// <summary>
    /// Customers are scored while active: a transaction in the 30 days before the snapshot.
    /// Customers idle longer are already on the way to the 90-day "declining" alert
    /// (the README's lifecycle stages), where the rule, not a model, acts; keeping them would let recency alone
    /// separate most churners and inflate the AUC without helping anyone earlier.
    /// </summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromDays(30);

    public const string LabelDefinition = "1 when the customer makes no purchase or cash advance, or closes the card, within 90 days after the snapshot (among customers with an open card and a transaction in the 30 days before it).";

    public static IEnumerable<ChurnRow> Rows(CustomerLog log, IReadOnlyList<DateTimeOffset> snapshots)
    {
        for (var k = 0; k < snapshots.Count; k++)
        {
            var s = snapshots[k];
            if (log.Profile?.OpenDate is { } open && open.ToDateTimeOffset() > s)
            {
                continue;
            }

            var sSeconds = s.ToUnixTimeSeconds();
            var endSeconds = (s + SnapshotPlan.Horizon).ToUnixTimeSeconds();
            var recentSeconds = (s - ActiveWindow).ToUnixTimeSeconds();
            bool activeBefore = false, closedBefore = false, activeAfter = false, closedAfter = false;
            foreach (var e in log.Events)
            {
                var t = e.EventTime.Seconds;
                if (t <= sSeconds)
                {
                    activeBefore |= t > recentSeconds && SnapshotPlan.IsActivity(e);
                    closedBefore |= SnapshotPlan.IsClosure(e);
                }
                else if (t <= endSeconds)
                {
                    activeAfter |= SnapshotPlan.IsActivity(e);
                    closedAfter |= SnapshotPlan.IsClosure(e);
                }
            }

            if (!activeBefore || closedBefore)
            {
                continue;
            }

            var features = FeatureReplay.ComputeFeatures(log.CustomerId, log.Events, log.Profile, s);
            yield return new ChurnRow(log.CustomerId, k, features, !activeAfter || closedAfter ? 1f : 0f);
        }
    }

    public static Dataset ToDataset(IEnumerable<ChurnRow> rows)
    {
        var list = rows.ToList();
        var columns = FeatureCatalogue.Count;
        var features = new float[list.Count * columns];
        for (var i = 0; i < list.Count; i++)
        {
            list[i].Features.CopyTo(features, i * columns);
        }

        return new Dataset(FeatureCatalogue.Definitions.Select(d => d.Name).ToArray(), features, list.Select(r => r.Label).ToArray());
    }

    /// <summary>Validation customers are a fixed slice by id, so none of their snapshots leak into training.</summary>
    public static bool IsValidationCustomer(string customerId, ulong seed)
    {
        var state = seed;
        foreach (var ch in customerId)
        {
            state = (state * 31) + ch;
        }

        return Population.Xoshiro256.SplitMix64(ref state) % 100 < 15;
    }

    public static IReadOnlyList<string> FeatureTypes => FeatureCatalogue.Definitions.Select(d => d.Type.ToString()).ToArray();
}
