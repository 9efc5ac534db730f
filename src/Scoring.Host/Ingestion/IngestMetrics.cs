using Prometheus;
using Scoring.Features.Streams;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>
/// <c>ingest_events_total{result, source="grpc"}</c> per event outcome of IngestEvents (<see cref="IngestionInstruments.Events"/>;
/// the stream consumer records its own source).
/// </summary>
internal sealed class IngestMetrics
{
    private readonly Counter.Child _applied = Child("applied");
    private readonly Counter.Child _duplicate = Child("duplicate");
    private readonly Counter.Child _late = Child("late");
    private readonly Counter.Child _invalid = Child("invalid");

    public void Record(IngestSummary batch)
    {
        Add(_applied, batch.Applied);
        Add(_duplicate, batch.Duplicate);
        Add(_late, batch.Late);
        Add(_invalid, batch.Invalid);
    }

    private static Counter.Child Child(string result) => IngestionInstruments.Events.WithLabels(result, IngestionInstruments.SourceGrpc);

    private static void Add(Counter.Child counter, long count)
    {
        if (count > 0)
        {
            counter.Inc(count);
        }
    }
}
