using Microsoft.Extensions.Options;
using Grpc.Core;
using Scoring.Host.Configuration;
using StackExchange.Redis;

namespace Scoring.Host.Infrastructure;

/// <summary>
/// The process's one StackExchange.Redis <see cref="ConnectionMultiplexer"/>
/// (https://stackexchange.github.io/StackExchange.Redis/Basics: one per process, shared). It is
/// created in the background with AbortOnConnectFail off, so the process starts (and reports
/// NOT_SERVING) while Redis is down; the multiplexer then reconnects by itself. Until it exists
/// callers get UNAVAILABLE from <see cref="Database"/>; while it is disconnected, commands fail
/// fast (see <see cref="RedisOptions.ToConfigurationOptions"/>) and are mapped to UNAVAILABLE.
/// </summary>
internal sealed partial class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger) : BackgroundService
{
    private readonly TaskCompletionSource<ConnectionMultiplexer> _multiplexer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "redis";

    public bool IsConnected => _multiplexer.Task.IsCompletedSuccessfully && _multiplexer.Task.Result.IsConnected;

    /// <summary>The multiplexer, or UNAVAILABLE naming the endpoint before it exists.</summary>
    public ConnectionMultiplexer Multiplexer => _multiplexer.Task.IsCompletedSuccessfully
        ? _multiplexer.Task.Result
        : throw new RpcException(new Status(StatusCode.Unavailable, $"The feature store (Redis at {options.Value.Endpoint}) is not connected yet."));

    /// <summary>The configured database (cheap: StackExchange.Redis hands out a lightweight wrapper).</summary>
    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>Waits until the multiplexer exists (used by background loops), then returns the configured database.</summary>
    public async Task<IDatabase> WaitForClientAsync(CancellationToken cancellationToken) =>
        (await _multiplexer.Task.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>Waits until the multiplexer exists (for pub/sub).</summary>
    public Task<ConnectionMultiplexer> WaitForMultiplexerAsync(CancellationToken cancellationToken) => _multiplexer.Task.WaitAsync(cancellationToken);

    public async ValueTask<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            return false;
        }

        try
        {
            await _multiplexer.Task.Result.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var configuration = options.Value.ToConfigurationOptions();
        var delay = options.Value.ReconnectMinDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // With AbortOnConnectFail off this returns a multiplexer even when Redis is down.
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(stoppingToken).ConfigureAwait(false);
                multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(logger, options.Value.Endpoint, e.FailureType.ToString());
                multiplexer.ConnectionRestored += (_, _) => LogConnected(logger, options.Value.Endpoint);
                if (multiplexer.IsConnected)
                {
                    LogConnected(logger, options.Value.Endpoint);
                }
                else
                {
                    LogConnectionFailed(logger, options.Value.Endpoint, "not connected yet; reconnecting in the background");
                }

                _multiplexer.TrySetResult(multiplexer);
                return;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                LogConnectFailed(logger, options.Value.Endpoint, delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.ReconnectMaxDelay.Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_multiplexer.Task.IsCompletedSuccessfully)
        {
            await _multiplexer.Task.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Redis at {Endpoint} unavailable; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string endpoint, double delayMs, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Redis at {Endpoint} disconnected ({Reason}); callers get UNAVAILABLE until it reconnects")]
    private static partial void LogConnectionFailed(ILogger logger, string endpoint, string reason);
}
