using Prometheus;

namespace Scoring.Features.Streams;

/// <summary>
/// The ingestion metrics both paths record into (the stream consumer here, IngestEvents in the
/// host), as prometheus-net metrics of the default registry: one definition, so Prometheus sees
/// one family. Series names and labels are the ones exposed before the move to prometheus-net.
/// </summary>
public static class IngestionInstruments
{
    /// <summary>Label <c>source</c> of events read from the Redis stream.</summary>
    public const string SourceStream = "stream";

    /// <summary>Label <c>source</c> of events sent with IngestEvents.</summary>
    public const string SourceGrpc = "grpc";

    /// <summary><c>ingest_events_total{result, source}</c>.</summary>
    public static readonly Counter Events = Metrics.CreateCounter(
        "ingest_events_total",
        "Events ingested, by result (applied, duplicate, late, invalid, dead_lettered) and source (stream, grpc).",
        new CounterConfiguration { LabelNames = ["result", "source"] });

    /// <summary><c>ingest_stream_lag{group, stream}</c> (label order as exposed before: group, then stream).</summary>
    public static readonly Gauge StreamLag = Metrics.CreateGauge(
        "ingest_stream_lag",
        "Entries in the stream not yet delivered to the consumer group (XINFO GROUPS lag).",
        new GaugeConfiguration { LabelNames = ["group", "stream"] });

    /// <summary><c>ingest_stream_pending{group, stream}</c>.</summary>
    public static readonly Gauge StreamPending = Metrics.CreateGauge(
        "ingest_stream_pending",
        "Entries delivered to the group but not yet acknowledged.",
        new GaugeConfiguration { LabelNames = ["group", "stream"] });
}
