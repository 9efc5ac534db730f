using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Scoring.Host.Infrastructure;
using StackExchange.Redis;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Host.Serving;

/// <summary>
/// WatchRisk subscriptions of this replica. Band changes reach it from every replica through the
/// changes stream (<see cref="RiskChangeFeed"/> writes, <see cref="RiskChangeListener"/> reads and
/// calls <see cref="DispatchAsync"/>), so a subscriber hears of events whichever replica or
/// ingestion path stored them. With no subscriber anywhere, writers compute no bands.
/// </summary>
internal sealed class RiskWatchHub(FeatureStoreAccessor store, CustomerScorer scorer, RiskChangeFeed feed, TimeProvider clock)
{
    public const int MaxWatchedIds = 10_000;
    public const int MaxQueuedUpdates = 10_000;
    public const int UpdateReasons = 3;
    private const int ReadChunk = 1000;
    private const int MaxTrackedVersions = 200_000;

    private readonly Lock _gate = new();
    private ImmutableArray<Subscription> _subscriptions = [];

    /// <summary>Newest stored version whose change was dispatched, per customer (bounded).</summary>
    private readonly ConcurrentDictionary<string, ulong> _versions = new(StringComparer.Ordinal);

    /// <summary>Last band sent or read for customers watched by id (bounded by the subscriptions' id lists).</summary>
    private readonly ConcurrentDictionary<string, RiskBand> _known = new(StringComparer.Ordinal);

    public Subscription Subscribe(IReadOnlyCollection<string> ids, RiskBand minBand)
    {
        var subscription = new Subscription(ids.Count == 0 ? null : ids.ToFrozenSet(), minBand);
        lock (_gate)
        {
            _subscriptions = _subscriptions.Add(subscription);
        }

        feed.SubscriberAdded();
        return subscription;
    }

    public void Unsubscribe(Subscription subscription)
    {
        ImmutableArray<Subscription> remaining;
        lock (_gate)
        {
            _subscriptions = remaining = _subscriptions.Remove(subscription);
        }

        feed.SubscriberRemoved();
        subscription.Updates.Writer.TryComplete();
        if (subscription.Ids is null)
        {
            return;
        }

        foreach (var id in subscription.Ids)
        {
            if (!remaining.Any(s => s.Ids?.Contains(id) == true))
            {
                _known.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Reads the current band of each of <paramref name="ids"/> (known customers only) and remembers it.</summary>
    public async Task<List<RiskUpdate>> SnapshotAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var snapshots = new List<RiskUpdate>();
        var now = clock.GetUtcNow();
        for (var start = 0; start < ids.Count; start += ReadChunk)
        {
            var chunk = ids.Skip(start).Take(ReadChunk).ToArray();
            var vectors = await store.Store.GetFeaturesAsync(chunk, now, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (vectors[i] is not { } features)
                {
                    continue;
                }

                var (p, band) = scorer.Churn(features);
                _known[chunk[i]] = band;
                var update = new RiskUpdate { CustomerId = chunk[i], Band = band, Probability = p, ChangedAt = Timestamp.FromDateTimeOffset(now) };
                scorer.ChurnReasons(features, UpdateReasons, update.Reasons);
                snapshots.Add(update);
            }
        }

        return snapshots;
    }

    /// <summary>
    /// Pushes committed band changes (read from the changes stream by <see cref="RiskChangeListener"/>,
    /// whichever replica wrote them) to matching subscribers. Called by that one loop, in stream
    /// order; a change older than one already seen for the customer (two writers appending out of
    /// commit order) is dropped. Reasons are computed here from the customer's current features.
    /// </summary>
    public async Task DispatchAsync(IReadOnlyList<RiskChange> changes, CancellationToken cancellationToken)
    {
        var subscriptions = _subscriptions;
        if (subscriptions.IsEmpty)
        {
            return;
        }

        var relevant = new List<RiskChange>();
        foreach (var change in changes)
        {
            if (!IsWatched(subscriptions, change.CustomerId))
            {
                continue;
            }

            if (_versions.TryGetValue(change.CustomerId, out var seen) && change.Version <= seen)
            {
                continue;
            }

            if (_versions.Count >= MaxTrackedVersions)
            {
                // Band-threshold watchers hear about everyone: forget old versions rather than grow.
                _versions.Clear();
            }

            _versions[change.CustomerId] = change.Version;
            relevant.Add(change);
        }

        if (relevant.Count == 0)
        {
            return;
        }

        var ids = relevant.Select(c => c.CustomerId).Distinct(StringComparer.Ordinal).ToArray();
        var features = new Dictionary<string, float[]?>(ids.Length, StringComparer.Ordinal);
        try
        {
            var vectors = await store.Store.GetFeaturesAsync(ids, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < ids.Length; i++)
            {
                features[ids[i]] = vectors[i];
            }
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RpcException)
        {
            // The change itself is known: push it without reasons rather than drop it.
        }

        foreach (var change in relevant)
        {
            Push(subscriptions, change, features.GetValueOrDefault(change.CustomerId));
        }
    }

    private void Push(ImmutableArray<Subscription> subscriptions, RiskChange change, float[]? features)
    {
        var id = change.CustomerId;
        var previous = change.PreviousBand;
        if (subscriptions.Any(s => s.Ids?.Contains(id) == true))
        {
            // Watched by id: report against the last band sent or snapshotted, so pushes form a chain.
            if (_known.TryGetValue(id, out var known))
            {
                previous = known;
            }

            _known[id] = change.Band;
        }

        if (previous == change.Band)
        {
            return;
        }

        RiskUpdate? update = null;
        foreach (var s in subscriptions)
        {
            if (s.Ids is { } watched && !watched.Contains(id))
            {
                continue;
            }

            if (s.MinBand != RiskBand.Unspecified && (RiskBand)Math.Max((int)previous, (int)change.Band) < s.MinBand)
            {
                continue;
            }

            if (update is null)
            {
                update = new RiskUpdate
                {
                    CustomerId = id,
                    PreviousBand = previous,
                    Band = change.Band,
                    Probability = change.Probability,
                    ChangedAt = Timestamp.FromDateTimeOffset(change.ChangedAt),
                    CauseEventId = change.CauseEventId,
                };
                if (features is not null)
                {
                    scorer.ChurnReasons(features, UpdateReasons, update.Reasons);
                }
            }

            s.Offer(update);
        }
    }

    private static bool IsWatched(ImmutableArray<Subscription> subscriptions, string customerId)
    {
        foreach (var s in subscriptions)
        {
            if (s.Ids is null || s.Ids.Contains(customerId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One WatchRisk stream: its filter and its queue of updates.</summary>
    internal sealed class Subscription(System.Collections.Frozen.FrozenSet<string>? ids, RiskBand minBand)
    {
        /// <summary>Null: every customer (with <see cref="MinBand"/>).</summary>
        public System.Collections.Frozen.FrozenSet<string>? Ids { get; } = ids;

        public RiskBand MinBand { get; } = minBand;

        public System.Threading.Channels.Channel<RiskUpdate> Updates { get; } = System.Threading.Channels.Channel.CreateBounded<RiskUpdate>(new BoundedChannelOptions(MaxQueuedUpdates)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        /// <summary>Queues without waiting; a caller too slow to keep up is ended with RESOURCE_EXHAUSTED.</summary>
        public void Offer(RiskUpdate update)
        {
            if (!Updates.Writer.TryWrite(update))
            {
                Updates.Writer.TryComplete(new RpcException(new Status(StatusCode.ResourceExhausted, $"More than {MaxQueuedUpdates} risk updates queued: the stream is not being read fast enough.")));
            }
        }
    }
}

/// <summary>One committed band change as read from the changes stream.</summary>
internal sealed record RiskChange(string CustomerId, ulong Version, RiskBand PreviousBand, RiskBand Band, double Probability, string CauseEventId, DateTimeOffset ChangedAt);
