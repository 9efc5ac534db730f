using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Scoring.Host.Infrastructure;
using Scoring.Transport;
using Scoring.V1;

namespace Scoring.Host.Serving;

/// <summary>
/// WatchRisk fan-out. Ingestion calls <see cref="BeforeIngestAsync"/> and
/// <see cref="AfterIngestAsync"/> around each stored batch: customers some subscriber watches
/// are scored before (unless their band is already known) and after, and a band change is
/// queued to every matching subscriber at once, so it reaches the caller within the batch's
/// round trip. With no subscriber this costs nothing. Concurrent writers to the same customer
/// may see each other's change as their own; the band sent is always the stored one.
/// </summary>
internal sealed class RiskWatchHub(FeatureStoreAccessor store, CustomerScorer scorer, TimeProvider clock)
{
    public const int MaxWatchedIds = 10_000;
    public const int MaxQueuedUpdates = 10_000;
    public const int UpdateReasons = 3;
    private const int ReadChunk = 1000;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _rescoreGate = new(1, 1);
    private ImmutableArray<Subscription> _subscriptions = [];

    /// <summary>Last band sent or read for customers watched by id (bounded by the subscriptions' id lists).</summary>
    private readonly ConcurrentDictionary<string, RiskBand> _known = new(StringComparer.Ordinal);

    public int SubscriberCount => _subscriptions.Length;

    public Subscription Subscribe(IReadOnlyCollection<string> ids, RiskBand minBand)
    {
        var subscription = new Subscription(ids.Count == 0 ? null : ids.ToFrozenSet(), minBand);
        lock (_gate)
        {
            _subscriptions = _subscriptions.Add(subscription);
        }

        return subscription;
    }

    public void Unsubscribe(Subscription subscription)
    {
        ImmutableArray<Subscription> remaining;
        lock (_gate)
        {
            _subscriptions = remaining = _subscriptions.Remove(subscription);
        }

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

    /// <summary>Bands before the batch of the watched customers whose band is not known; null when nobody watches.</summary>
    public async Task<Dictionary<string, RiskBand>?> BeforeIngestAsync(IReadOnlyList<Event> batch, CancellationToken cancellationToken)
    {
        var subscriptions = _subscriptions;
        if (subscriptions.IsEmpty)
        {
            return null;
        }

        var unknown = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (seen.Add(e.CustomerId) && IsWatched(subscriptions, e.CustomerId) && !_known.ContainsKey(e.CustomerId) && ScoreRequest.CheckCustomerId(e.CustomerId, "customer_id") is null)
            {
                unknown.Add(e.CustomerId);
            }
        }

        var before = new Dictionary<string, RiskBand>(StringComparer.Ordinal);
        if (unknown.Count == 0)
        {
            return before;
        }

        var vectors = await store.Store.GetFeaturesAsync(unknown, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < unknown.Count; i++)
        {
            before[unknown[i]] = vectors[i] is { } features ? scorer.Churn(features).Band : RiskBand.Unspecified;
        }

        return before;
    }

    /// <summary>Re-scores the batch's watched customers and queues band changes to matching subscribers.</summary>
    public async Task AfterIngestAsync(IReadOnlyList<Event> batch, IngestSummary summary, Dictionary<string, RiskBand>? before, CancellationToken cancellationToken)
    {
        var subscriptions = _subscriptions;
        if (before is null || subscriptions.IsEmpty || summary.Applied == 0)
        {
            return;
        }

        // The cause: the customer's last event of the batch that was not rejected.
        var rejected = summary.Rejections.Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
        var causes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (!rejected.Contains(e.EventId) && IsWatched(subscriptions, e.CustomerId) && ScoreRequest.CheckCustomerId(e.CustomerId, "customer_id") is null)
            {
                causes[e.CustomerId] = e.EventId;
            }
        }

        await RescoreAsync(subscriptions, causes, before, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A profile change can move the band too (months on book, products held).</summary>
    public async Task OnProfileChangedAsync(string customerId, Dictionary<string, RiskBand>? before, CancellationToken cancellationToken)
    {
        var subscriptions = _subscriptions;
        if (before is null || subscriptions.IsEmpty || !IsWatched(subscriptions, customerId))
        {
            return;
        }

        await RescoreAsync(subscriptions, new Dictionary<string, string>(StringComparer.Ordinal) { [customerId] = string.Empty }, before, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The band before a profile change, when someone watches the customer.</summary>
    public Task<Dictionary<string, RiskBand>?> BeforeProfileAsync(string customerId, CancellationToken cancellationToken) =>
        BeforeIngestAsync([new Event { CustomerId = customerId }], cancellationToken);

    private async Task RescoreAsync(ImmutableArray<Subscription> subscriptions, Dictionary<string, string> causes, Dictionary<string, RiskBand> before, CancellationToken cancellationToken)
    {
        if (causes.Count == 0)
        {
            return;
        }

        // One rescore at a time: each reads the store after the previous one pushed, so bands are
        // read in time order and each change is queued right after its transition. Two batches
        // for one customer (two ingest streams, or the stream consumer beside IngestEvents) then
        // push a consistent chain ending at the latest band, never a stale band last.
        await _rescoreGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RescoreLockedAsync(subscriptions, causes, before, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _rescoreGate.Release();
        }
    }

    private async Task RescoreLockedAsync(ImmutableArray<Subscription> subscriptions, Dictionary<string, string> causes, Dictionary<string, RiskBand> before, CancellationToken cancellationToken)
    {
        var ids = causes.Keys.ToArray();
        var now = clock.GetUtcNow();
        var vectors = await store.Store.GetFeaturesAsync(ids, now, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < ids.Length; i++)
        {
            if (vectors[i] is not { } features)
            {
                continue;
            }

            var id = ids[i];
            var (p, band) = scorer.Churn(features);
            var previous = Transition(id, band, before, tracked: subscriptions.Any(s => s.Ids?.Contains(id) == true));

            if (previous == band)
            {
                continue;
            }

            RiskUpdate? update = null;
            foreach (var s in subscriptions)
            {
                if (s.Ids is { } watched && !watched.Contains(id))
                {
                    continue;
                }

                if (s.MinBand != RiskBand.Unspecified && (RiskBand)Math.Max((int)previous, (int)band) < s.MinBand)
                {
                    continue;
                }

                if (update is null)
                {
                    update = new RiskUpdate { CustomerId = id, PreviousBand = previous, Band = band, Probability = p, ChangedAt = Timestamp.FromDateTimeOffset(now), CauseEventId = causes[id] };
                    scorer.ChurnReasons(features, UpdateReasons, update.Reasons);
                }

                s.Offer(update);
            }
        }
    }

    /// <summary>
    /// The band to report as previous. For customers watched by id it is the last band pushed or
    /// snapshotted (swapped in as the new one), so each change is pushed once, in a chain.
    /// </summary>
    private RiskBand Transition(string id, RiskBand band, Dictionary<string, RiskBand> before, bool tracked)
    {
        // Runs under the rescore gate, so a plain read and write of the last known band suffice.
        if (tracked && _known.TryGetValue(id, out var known))
        {
            _known[id] = band;
            return known;
        }

        if (tracked)
        {
            _known[id] = band;
        }

        return before.GetValueOrDefault(id);
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
                Updates.Writer.TryComplete(new RpcException(StatusCode.ResourceExhausted, $"More than {MaxQueuedUpdates} risk updates queued: the stream is not being read fast enough."));
            }
        }
    }
}
