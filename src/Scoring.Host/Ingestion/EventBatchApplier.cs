using Scoring.Features.Store;
using Scoring.Host.Infrastructure;
using Scoring.Redis;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>
/// Stores one batch of events. Shared by both ingestion paths (the gRPC stream and the Redis
/// Streams consumer) so an event has the same effect whichever way it arrives; WatchRisk hears
/// of the band changes it causes through the store's observer (see Serving.RiskChangeFeed).
/// </summary>
internal sealed class EventBatchApplier(FeatureStoreAccessor store)
{
    /// <summary>
    /// Applies <paramref name="batch"/>. Throws the store's <see cref="RedisException"/> or
    /// <see cref="FeatureStoreConflictException"/> when the batch may not be stored (the caller
    /// resends it; event ids make that safe).
    /// </summary>
    public Task<IngestSummary> ApplyAsync(IReadOnlyList<Event> batch, CancellationToken cancellationToken) =>
        store.Store.IngestAsync(batch, cancellationToken);
}
