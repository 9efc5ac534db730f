using Scoring.Features.Store;
using Scoring.Host.Infrastructure;
using Scoring.Host.Serving;
using Scoring.Redis;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>
/// Stores one batch of events and tells WatchRisk subscribers about band changes it caused.
/// Shared by both ingestion paths (the gRPC stream and the Redis Streams consumer) so an event
/// has the same effect whichever way it arrives.
/// </summary>
internal sealed class EventBatchApplier(FeatureStoreAccessor store, RiskWatchHub watch)
{
    /// <summary>
    /// Applies <paramref name="batch"/>. Throws the store's <see cref="RedisException"/> or
    /// <see cref="FeatureStoreConflictException"/> when the batch may not be stored (the caller
    /// resends it; event ids make that safe); watcher failures never fail a stored batch.
    /// </summary>
    public async Task<IngestSummary> ApplyAsync(IReadOnlyList<Event> batch, CancellationToken cancellationToken)
    {
        Dictionary<string, RiskBand>? before = null;
        try
        {
            before = await watch.BeforeIngestAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // The store write below fails the same way if Redis is really gone.
        }

        var summary = await store.Store.IngestAsync(batch, cancellationToken).ConfigureAwait(false);
        try
        {
            await watch.AfterIngestAsync(batch, summary, before, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Stored; watchers miss this change rather than the sender seeing a failure.
        }

        return summary;
    }
}
