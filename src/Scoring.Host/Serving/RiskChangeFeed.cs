using System.Globalization;
using Microsoft.Extensions.Options;
using Scoring.Features;
using Scoring.Features.Store;
using Scoring.Host.Configuration;
using Scoring.Host.Infrastructure;
using Grpc.Core;
using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Host.Serving;

/// <summary>
/// The writing side of WatchRisk across replicas. Whichever replica stores a write (IngestEvents,
/// the Redis Streams consumer, UpsertProfile) classifies the written customers' churn band before
/// and after, in the store's apply loop, and appends each committed band change to one Redis
/// stream that every replica with subscribers reads (<see cref="RiskChangeListener"/>). Bands are
/// only computed while some replica has a subscriber: this replica's count, or the shared
/// <see cref="WatchOptions.WatchingKey"/> that replicas with subscribers keep alive. After the
/// appends it PUBLISHes on <see cref="WakeChannel"/>, which wakes the listeners at once (they
/// poll the stream without BLOCK, which StackExchange.Redis does not send).
/// </summary>
internal sealed partial class RiskChangeFeed(CustomerScorer scorer, RedisConnection redis, IOptions<WatchOptions> options, TimeProvider clock, ILogger<RiskChangeFeed> logger)
    : IStateChangeObserver
{
    public const string CustomerField = "c", VersionField = "v", PreviousField = "p", BandField = "b", ProbabilityField = "s", CauseField = "e", TimeField = "t";

    private int _localSubscribers;
    private volatile bool _otherReplicasWatch;
    private long _published;

    public WatchOptions Options => options.Value;

    /// <summary>Pub/sub channel that says "the changes stream has new entries" (no payload that matters).</summary>
    public RedisChannel WakeChannel => RedisChannel.Literal(Options.ChangesStream + ":wake");

    public int LocalSubscribers => Volatile.Read(ref _localSubscribers);

    /// <summary>Band changes appended to the stream by this replica.</summary>
    public long Published => Interlocked.Read(ref _published);

    public bool IsActive => LocalSubscribers > 0 || _otherReplicasWatch;

    public void SubscriberAdded() => Interlocked.Increment(ref _localSubscribers);

    public void SubscriberRemoved() => Interlocked.Decrement(ref _localSubscribers);

    /// <summary>Set by the listener from the shared watching key, about once a second.</summary>
    public void SetOtherReplicasWatch(bool watching) => _otherReplicasWatch = watching;

    public (int Class, double Score) Classify(CustomerState state)
    {
        var (p, band) = scorer.Churn(state, clock.GetUtcNow());
        return ((int)band, p);
    }

    public async Task OnChangedAsync(IReadOnlyList<StateChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var batch = redis.Database.CreateBatch();
            var appends = new Task[changes.Count + 1];
            for (var i = 0; i < changes.Count; i++)
            {
                var c = changes[i];
                appends[i] = batch.StreamAddAsync(Options.ChangesStream,
                [
                    new(CustomerField, c.CustomerId), new(VersionField, (long)c.Version), new(PreviousField, (long)c.Before),
                    new(BandField, (long)c.After), new(ProbabilityField, c.Score.ToString("R", CultureInfo.InvariantCulture)),
                    new(CauseField, c.CauseEventId), new(TimeField, now),
                ], maxLength: Options.MaxLength, useApproximateMaxLength: true);
            }

            // Same connection, after the XADDs: a listener woken by it finds them in the stream.
            appends[^1] = batch.PublishAsync(WakeChannel, 1);
            batch.Execute();
            await Task.WhenAll(appends).WaitAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _published, changes.Count);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RpcException)
        {
            // The write is stored; only watchers miss this change. Never fail the sender for it.
            LogPublishFailed(logger, changes.Count, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Could not publish {Count} risk band changes for WatchRisk ({Error}); the writes are stored.")]
    private static partial void LogPublishFailed(ILogger logger, int count, string error);
}
