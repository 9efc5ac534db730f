namespace Scoring.Transport.Health;

/// <summary>How often readiness probes run and which services they gate.</summary>
public sealed class HealthProbeOptions
{
    /// <summary>Time between probe rounds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe that takes longer than this has failed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Services set NOT_SERVING when any probe fails and SERVING when all pass; the empty
    /// name (the whole server) is included by default.
    /// </summary>
    public IList<string> Services { get; } = [HealthStatusRegistry.OverallServer];

    internal void Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "Interval must be positive.");
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProbeTimeout), ProbeTimeout, "ProbeTimeout must be positive.");
        }

        if (Services.Any(s => s is null))
        {
            throw new ArgumentException("Services must not contain null.", nameof(Services));
        }
    }
}
