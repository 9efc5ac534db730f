using System.Globalization;
using System.Text;
using Scoring.Host.Infrastructure;
using Scoring.Redis;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Host.Serving;

/// <summary>
/// The reading side of WatchRisk across replicas: follows the changes stream from where it stood
/// when this replica started (XREAD BLOCK on a connection of its own) and hands each batch to the
/// hub, which pushes to this replica's subscribers. Also keeps the shared watching key alive while
/// this replica has subscribers, and tells the feed whether any other replica has, about once a second.
/// </summary>
internal sealed partial class RiskChangeListener(RedisConnection redis, RiskWatchHub hub, RiskChangeFeed feed, ILogger<RiskChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan Block = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlagPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlagLifetime = TimeSpan.FromSeconds(10);
    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RedisClient client;
        try
        {
            client = await redis.WaitForClientAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Task.WhenAll(FollowAsync(client, stoppingToken), KeepFlagAsync(client, stoppingToken)).ConfigureAwait(false);
    }

    private async Task FollowAsync(RedisClient client, CancellationToken stoppingToken)
    {
        var stream = feed.Options.ChangesStream;
        RedisClient? reader = null;
        string? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                reader ??= await client.CreateDedicatedConnectionAsync(stoppingToken).ConfigureAwait(false);
                last ??= await StartIdAsync(client, stream, stoppingToken).ConfigureAwait(false);
                var read = await reader.StreamReadAsync(stream, last, BatchSize, Block, stoppingToken).ConfigureAwait(false);
                if (read.Length == 0 || read[0].Entries.Count == 0)
                {
                    continue;
                }

                var entries = read[0].Entries;
                last = entries[^1].Id;
                var changes = new List<RiskChange>(entries.Count);
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
            catch (Exception ex) when (ex is RedisException or RpcException)
            {
                LogFollowFailed(logger, ex.GetType().Name);
                if (!await PauseAsync(Block, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }

        if (reader is not null)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The stream's newest id now ("0-0" when it does not exist yet): later changes are this replica's to push.</summary>
    private static async Task<string> StartIdAsync(RedisClient client, string stream, CancellationToken cancellationToken)
    {
        if (await client.ExistsAsync([stream], cancellationToken).ConfigureAwait(false) == 0)
        {
            return "0-0";
        }

        return (await client.StreamInfoAsync(stream, cancellationToken).ConfigureAwait(false)).LastGeneratedId;
    }

    private async Task KeepFlagAsync(RedisClient client, CancellationToken stoppingToken)
    {
        var key = feed.Options.WatchingKey;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (feed.LocalSubscribers > 0)
                {
                    await client.SetAsync(key, "1", FlagLifetime, cancellationToken: stoppingToken).ConfigureAwait(false);
                    feed.SetOtherReplicasWatch(true);
                }
                else
                {
                    feed.SetOtherReplicasWatch(await client.ExistsAsync([key], stoppingToken).ConfigureAwait(false) > 0);
                }

                await Task.Delay(FlagPeriod, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RedisException or RpcException)
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
    internal static RiskChange? Parse(RedisStreamEntry entry)
    {
        string? customer = null, cause = null;
        long? version = null, previous = null, band = null, time = null;
        double? probability = null;
        foreach (var (name, raw) in entry.Fields)
        {
            var text = Encoding.UTF8.GetString(raw);
            switch (name)
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
