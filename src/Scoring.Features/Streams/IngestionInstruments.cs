namespace Scoring.Features.Streams;

/// <summary>
/// The "Scoring.Ingestion" counter both ingestion paths record into (the stream consumer here,
/// IngestEvents in the host): one name, unit and help, so Prometheus shows one family.
/// </summary>
public static class IngestionInstruments
{
    public const string MeterName = "Scoring.Ingestion";
    public const string EventsCounter = "ingest_events";
    public const string EventsUnit = "{event}";
    public const string EventsDescription = "Events ingested, by result (applied, duplicate, late, invalid, dead_lettered) and source (stream, grpc).";
}
