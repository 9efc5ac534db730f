namespace Scoring.Transport.Metrics;

/// <summary>What the Prometheus exporter collects and how it renders it.</summary>
public sealed class PrometheusExporterOptions
{
    /// <summary>
    /// Prometheus' client_golang default buckets, in seconds: a sensible spread for request
    /// latencies when an instrument gives no advice.
    /// </summary>
    public static readonly IReadOnlyList<double> DefaultBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Meters whose name starts with one of these (ordinal) are exported.</summary>
    public IList<string> MeterNamePrefixes { get; } = ["Scoring."];

    /// <summary>Histogram bucket upper bounds used when an instrument has no InstrumentAdvice.</summary>
    public IList<double> DefaultHistogramBuckets { get; set; } = [.. DefaultBuckets];

    /// <summary>Render process_* and dotnet_* metrics at scrape time.</summary>
    public bool IncludeProcessMetrics { get; set; } = true;

    /// <summary>
    /// Cardinality guard: measurements that would create a label set beyond this many per
    /// metric are dropped and counted in scoring_metrics_dropped_measurements_total, so a
    /// bug that puts an unbounded value in a tag cannot exhaust memory.
    /// </summary>
    public int MaxSeriesPerMetric { get; set; } = 2000;

    internal void Validate()
    {
        if (MeterNamePrefixes.Count == 0 || MeterNamePrefixes.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException(
                "MeterNamePrefixes must hold at least one prefix and no empty prefix.", nameof(MeterNamePrefixes));
        }

        ValidateBuckets(DefaultHistogramBuckets, nameof(DefaultHistogramBuckets));
        if (MaxSeriesPerMetric < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxSeriesPerMetric), MaxSeriesPerMetric, "MaxSeriesPerMetric must be at least 1.");
        }
    }

    internal static void ValidateBuckets(IEnumerable<double> buckets, string field)
    {
        var previous = double.NegativeInfinity;
        foreach (var bound in buckets)
        {
            if (!double.IsFinite(bound) || bound <= previous)
            {
                throw new ArgumentException(
                    $"{field} must be finite and strictly increasing; {bound} follows {previous}.", field);
            }

            previous = bound;
        }
    }
}
