using Scoring.Features.Store;
using Scoring.V1;

namespace Scoring.Features.Streams;

/// <summary>Ready-made <see cref="StreamBatchHandler"/>s.</summary>
public static class StreamBatchHandlers
{
    /// <summary>
    /// Applies each batch with <see cref="RedisFeatureStore.IngestAsync"/>: when it returns, every
    /// event is stored or rejected (invalid, late, duplicate), all final; when it throws (Redis
    /// unreachable, compare-and-set gave up) the batch is not acknowledged and comes back. The
    /// store remembers applied event ids per customer, so a redelivered event is a duplicate.
    /// </summary>
    public static StreamBatchHandler ForStore(RedisFeatureStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return For(store.IngestAsync);
    }

    /// <summary>
    /// Hands each batch's events to <paramref name="ingest"/> (which must store them, or throw so
    /// the batch is redelivered) and reports its summary's counts.
    /// </summary>
    public static StreamBatchHandler For(Func<IReadOnlyList<Event>, CancellationToken, Task<IngestSummary>> ingest)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        return async (events, cancellationToken) =>
        {
            var batch = new Event[events.Count];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = events[i].Event;
            }

            var summary = await ingest(batch, cancellationToken).ConfigureAwait(false);
            return new StreamBatchResult((int)summary.Applied, (int)summary.Duplicate, (int)summary.Late, (int)summary.Invalid);
        };
    }
}
