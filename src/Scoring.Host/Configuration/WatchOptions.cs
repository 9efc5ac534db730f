using System.ComponentModel.DataAnnotations;

namespace Scoring.Host.Configuration;

/// <summary>WatchRisk fan-out across replicas. Section "Watch"; env vars like Watch__ChangesStream.</summary>
public sealed class WatchOptions : IValidatableObject
{
    public const string Section = "Watch";

    /// <summary>The Redis stream every replica appends committed band changes to and reads from.</summary>
    public string ChangesStream { get; set; } = "risk:changes";

    /// <summary>Approximate cap on the stream's length (XADD MAXLEN ~): changes older than this are dropped.</summary>
    public long MaxLength { get; set; } = 100_000;

    /// <summary>Kept alive by replicas with subscribers; writers compute bands only while it exists.</summary>
    public string WatchingKey { get; set; } = "risk:watching";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ChangesStream))
        {
            yield return new ValidationResult("Watch:ChangesStream must name a Redis key.", [nameof(ChangesStream)]);
        }

        if (string.IsNullOrWhiteSpace(WatchingKey) || WatchingKey == ChangesStream)
        {
            yield return new ValidationResult("Watch:WatchingKey must name a Redis key other than Watch:ChangesStream.", [nameof(WatchingKey)]);
        }

        if (MaxLength < 1000)
        {
            yield return new ValidationResult($"Watch:MaxLength must be at least 1000, got {MaxLength}.", [nameof(MaxLength)]);
        }
    }
}
