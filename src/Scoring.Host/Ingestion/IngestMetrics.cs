using System.Diagnostics.Metrics;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>Meter "Scoring.Ingestion": ingest_events{result, source} per event outcome.</summary>
internal sealed class IngestMetrics : IDisposable
{
    public const string MeterName = "Scoring.Ingestion";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _events;

    public IngestMetrics()
    {
        // Same name, unit and help as the stream consumer's counter: one Prometheus family, two sources.
        _events = _meter.CreateCounter<long>("ingest_events", unit: "{event}", description: "Events ingested, by result (applied, duplicate, late, invalid, dead_lettered) and source (stream, grpc).");
    }

    public void Record(IngestSummary batch, string source)
    {
        Add(batch.Applied, "applied", source);
        Add(batch.Duplicate, "duplicate", source);
        Add(batch.Late, "late", source);
        Add(batch.Invalid, "invalid", source);
    }

    private void Add(long count, string result, string source)
    {
        if (count > 0)
        {
            _events.Add(count, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("source", source));
        }
    }

    public void Dispose() => _meter.Dispose();
}
