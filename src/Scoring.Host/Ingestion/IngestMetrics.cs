using Prometheus;
using Scoring.Features.Streams;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>prometheus-net <c>ingest_events_total{result, source}</c> per event outcome (<see cref="IngestionInstruments.Events"/>).</summary>
internal sealed class IngestMetrics
{
    private readonly Dictionary<string, Counter.Child[]> _bySource = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Record(IngestSummary batch, string source)
    {
        var children = Children(source);
        Add(children[0], batch.Applied);
        Add(children[1], batch.Duplicate);
        Add(children[2], batch.Late);
        Add(children[3], batch.Invalid);
    }

    private Counter.Child[] Children(string source)
    {
        lock (_lock)
        {
            if (!_bySource.TryGetValue(source, out var children))
            {
                var events = IngestionInstruments.Events;
                _bySource[source] = children =
                [
                    events.WithLabels("applied", source), events.WithLabels("duplicate", source),
                    events.WithLabels("late", source), events.WithLabels("invalid", source),
                ];
            }

            return children;
        }
    }

    private static void Add(Counter.Child counter, long count)
    {
        if (count > 0)
        {
            counter.Inc(count);
        }
    }
}
