using System.Diagnostics.Metrics;
using Scoring.Features.Streams;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>Meter "Scoring.Ingestion": ingest_events{result, source} per event outcome.</summary>
internal sealed class IngestMetrics : IDisposable
{
    private readonly Meter _meter = new(IngestionInstruments.MeterName);
    private readonly Counter<long> _events;

    public IngestMetrics()
    {
        _events = _meter.CreateCounter<long>(IngestionInstruments.EventsCounter, IngestionInstruments.EventsUnit, IngestionInstruments.EventsDescription);
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
