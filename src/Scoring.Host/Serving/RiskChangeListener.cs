using System.Globalization;
using Scoring.Host.Infrastructure;
using Grpc.Core;
using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Host.Serving;

/// <summary>
/// The reading side of WatchRisk across replicas: follows the changes stream from where it stood
/// when this replica started and hands each batch to the hub, which pushes to this replica's
/// subscribers. StackExchange.Redis sends no blocking commands on its multiplexed connection
/// (https://stackexchange.github.io/StackExchange.Redis/PipelinesMultiplexers), so the stream is
/// read with XREAD without BLOCK: again at once while entries come, then on the feed's pub/sub
/// wake-up (<see cref="RiskChangeFeed.WakeChannel"/>), or after <see cref="FallbackPoll"/> if a
/// wake-up was lost (pub/sub is fire-and-forget, e.g. across a reconnect). Also keeps the shared
/// watching key alive while this replica has subscribers, and tells the feed whether any other
/// replica has, about once a second.
/// </summary>
internal sealed partial class RiskChangeListener(RedisConnection redis, RiskWatchHub hub, RiskChangeFeed feed, ILogger<RiskChangeListener> logger) : BackgroundService
{
    /// <summary>Longest a change waits in the stream when its wake-up was lost.</summary>
    internal static readonly TimeSpan FallbackPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlagPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlagLifetime = TimeSpan.FromSeconds(10);
    private const int BatchSize = 1000;

    // Released (at most once pending) by each wake-up message; the follower waits on it.
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await redis.WaitForMultiplexerAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Task.WhenAll(FollowAsync(multiplexer, stoppingToken), KeepFlagAsync(multiplexer.GetDatabase(), stoppingToken)).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private async Task FollowAsync(ConnectionMultiplexer multiplexer, CancellationToken stoppingToken)
    {
        var db = multiplexer.GetDatabase();
        var stream = feed.Options.ChangesStream;
        var subscribed = false;
        RedisValue? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    // Before reading the start id: no change after it can go unsignalled. The
                    // multiplexer re-subscribes by itself after a reconnect.
                    await multiplexer.GetSubscriber().SubscribeAsync(feed.WakeChannel, (_, _) => Wake()).WaitAsync(stoppingToken).ConfigureAwait(false);
                    subscribed = true;
                }

                last ??= await StartIdAsync(db, stream, stoppingToken).ConfigureAwait(false);
                var entries = await db.StreamReadAsync(stream, last.Value, BatchSize).WaitAsync(stoppingToken).ConfigureAwait(false);
                if (entries.Length == 0)
                {
                    await WaitForWakeAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                last = entries[^1].Id;
                var changes = new List<RiskChange>(entries.Length);
                foreach (var entry in entries)
                {
                    if (Parse(entry) is { } change)
                    {
                        changes.Add(change);
                    }
                }

                await hub.DispatchAsync(changes, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RpcException)
            {
                LogFollowFailed(logger, ex.GetType().Name);
                if (!await PauseAsync(RetryPause, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled (a race with another wake-up), or stopping.
        }
    }

    private async Task WaitForWakeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _wake.WaitAsync(FallbackPoll, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends on the token.
        }
    }

    /// <summary>The stream's newest id now ("0-0" when it does not exist yet): later changes are this replica's to push.</summary>
    private static async Task<RedisValue> StartIdAsync(IDatabase db, string stream, CancellationToken cancellationToken)
    {
        if (!await db.KeyExistsAsync(stream).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return "0-0";
        }

        return (await db.StreamInfoAsync(stream).WaitAsync(cancellationToken).ConfigureAwait(false)).LastGeneratedId;
    }

    private async Task KeepFlagAsync(IDatabase db, CancellationToken stoppingToken)
    {
        var key = feed.Options.WatchingKey;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (feed.LocalSubscribers > 0)
                {
                    await db.StringSetAsync(key, "1", FlagLifetime).WaitAsync(stoppingToken).ConfigureAwait(false);
                    feed.SetOtherReplicasWatch(true);
                }
                else
                {
                    feed.SetOtherReplicasWatch(await db.KeyExistsAsync(key).WaitAsync(stoppingToken).ConfigureAwait(false));
                }

                await Task.Delay(FlagPeriod, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RpcException)
            {
                // Keep the last answer; the store is failing anyway.
                LogFlagFailed(logger, ex.GetType().Name);
                if (!await PauseAsync(FlagPeriod, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
    }

    /// <summary>Waits before a retry; false when the service is stopping.</summary>
    private static async Task<bool> PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A change as <see cref="RiskChangeFeed"/> wrote it; null (skipped) for an entry of another shape.</summary>
    internal static RiskChange? Parse(StreamEntry entry)
    {
        string? customer = null, cause = null;
        long? version = null, previous = null, band = null, time = null;
        double? probability = null;
        foreach (var field in entry.Values ?? [])
        {
            var text = (string?)field.Value ?? string.Empty;
            switch ((string?)field.Name)
            {
                case RiskChangeFeed.CustomerField: customer = text; break;
                case RiskChangeFeed.CauseField: cause = text; break;
                case RiskChangeFeed.VersionField: version = long.TryParse(text, CultureInfo.InvariantCulture, out var v) ? v : null; break;
                case RiskChangeFeed.PreviousField: previous = long.TryParse(text, CultureInfo.InvariantCulture, out var p) ? p : null; break;
                case RiskChangeFeed.BandField: band = long.TryParse(text, CultureInfo.InvariantCulture, out var b) ? b : null; break;
                case RiskChangeFeed.TimeField: time = long.TryParse(text, CultureInfo.InvariantCulture, out var t) ? t : null; break;
                case RiskChangeFeed.ProbabilityField: probability = double.TryParse(text, CultureInfo.InvariantCulture, out var s) ? s : null; break;
            }
        }

        return customer is null || version is not { } ver || previous is not { } prev || band is not { } now || time is not { } at || probability is not { } prob
            || !Enum.IsDefined((RiskBand)prev) || !Enum.IsDefined((RiskBand)now)
            ? null
            : new RiskChange(customer, (ulong)ver, (RiskBand)prev, (RiskBand)now, prob, cause ?? string.Empty, DateTimeOffset.FromUnixTimeMilliseconds(at));
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Reading WatchRisk band changes failed ({Error}); retrying.")]
    private static partial void LogFollowFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Refreshing the WatchRisk watching flag failed ({Error}).")]
    private static partial void LogFlagFailed(ILogger logger, string error);
}
