using Prometheus;

namespace Scoring.Features.Streams.Internal;

/// <summary>
/// One consumer's series of the <see cref="IngestionInstruments"/>: <c>ingest_events_total</c> by
/// result with source "stream", and its group's lag and pending count as gauges (set by the
/// consumer loop from XINFO GROUPS). Disposing removes the gauge series of this stream and group.
/// </summary>
internal sealed class IngestionMetrics : IDisposable
{
    private readonly string _stream;
    private readonly string _group;
    private readonly Counter.Child _applied, _duplicate, _late, _invalid, _deadLettered;

    public IngestionMetrics(string stream, string group)
    {
        _stream = stream;
        _group = group;
        _applied = Child("applied");
        _duplicate = Child("duplicate");
        _late = Child("late");
        _invalid = Child("invalid");
        _deadLettered = Child("dead_lettered");
    }

    public void Record(StreamBatchResult result)
    {
        Add(_applied, result.Applied);
        Add(_duplicate, result.Duplicate);
        Add(_late, result.Late);
        Add(_invalid, result.Invalid);
    }

    public void RecordDeadLettered() => _deadLettered.Inc();

    /// <summary>Latest group figures; a null lag (Redis cannot compute it) removes the lag series.</summary>
    public void SetGroupState(long? lag, long pending)
    {
        if (lag is { } value)
        {
            IngestionInstruments.StreamLag.WithLabels(_group, _stream).Set(value);
        }
        else
        {
            IngestionInstruments.StreamLag.RemoveLabelled(_group, _stream);
        }

        IngestionInstruments.StreamPending.WithLabels(_group, _stream).Set(pending);
    }

    public void Dispose()
    {
        IngestionInstruments.StreamLag.RemoveLabelled(_group, _stream);
        IngestionInstruments.StreamPending.RemoveLabelled(_group, _stream);
    }

    private static Counter.Child Child(string result) => IngestionInstruments.Events.WithLabels(result, IngestionInstruments.SourceStream);

    private static void Add(Counter.Child counter, long count)
    {
        if (count > 0)
        {
            counter.Inc(count);
        }
    }
}
