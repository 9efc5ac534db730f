using System.Diagnostics.Metrics;

namespace Scoring.Features.Streams.Internal;

/// <summary>
/// Instruments of the "Scoring.Ingestion" meter for one consumer: <c>ingest_events</c> by result
/// and source, and the stream's consumer-group lag and pending count as gauges (refreshed by the
/// consumer loop from XINFO GROUPS, because gauge callbacks must not block on Redis).
/// </summary>
internal sealed class IngestionMetrics : IDisposable
{
    private const string SourceStream = "stream";
    private readonly Meter _meter;
    private readonly Counter<long> _events;
    private readonly KeyValuePair<string, object?> _streamTag;
    private readonly KeyValuePair<string, object?> _groupTag;
    private long _lag = -1;
    private long _pending = -1;

    public IngestionMetrics(string stream, string group)
    {
        _meter = new Meter(IngestionInstruments.MeterName);
        _streamTag = new("stream", stream);
        _groupTag = new("group", group);
        _events = _meter.CreateCounter<long>(IngestionInstruments.EventsCounter, IngestionInstruments.EventsUnit, IngestionInstruments.EventsDescription);
        _meter.CreateObservableGauge("ingest_stream_lag", ObserveLag, unit: "{entry}", description: "Entries in the stream not yet delivered to the consumer group (XINFO GROUPS lag).");
        _meter.CreateObservableGauge("ingest_stream_pending", ObservePending, unit: "{entry}", description: "Entries delivered to the group but not yet acknowledged.");
    }

    public void Record(string result, long count)
    {
        if (count > 0)
        {
            _events.Add(count, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("source", SourceStream));
        }
    }

    /// <summary>Latest group figures; a null lag (Redis cannot compute it) hides the gauge.</summary>
    public void SetGroupState(long? lag, long pending)
    {
        Volatile.Write(ref _lag, lag ?? -1);
        Volatile.Write(ref _pending, pending);
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveLag() => Observe(Volatile.Read(ref _lag));

    private IEnumerable<Measurement<long>> ObservePending() => Observe(Volatile.Read(ref _pending));

    private Measurement<long>[] Observe(long value) => value < 0 ? [] : [new Measurement<long>(value, _streamTag, _groupTag)];
}
