using Microsoft.Extensions.Options;
using Scoring.Redis;
using Grpc.Core;

namespace Scoring.Host.Infrastructure;

/// <summary>
/// The service's Redis client. Connects in the background with backoff, so the process starts
/// (and reports NOT_SERVING) while Redis is down; callers get UNAVAILABLE until connected.
/// Once connected, the client reconnects by itself.
/// </summary>
internal sealed partial class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger) : BackgroundService
{
    private readonly TaskCompletionSource<RedisClient> _client = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "redis";

    public bool IsConnected => _client.Task.IsCompletedSuccessfully && _client.Task.Result.IsConnected;

    /// <summary>The connected client, or UNAVAILABLE naming the endpoint when there is none yet.</summary>
    public RedisClient Client => _client.Task.IsCompletedSuccessfully
        ? _client.Task.Result
        : throw new RpcException(new Status(StatusCode.Unavailable, $"The feature store (Redis at {options.Value.Endpoint}) is not connected yet."));

    /// <summary>Waits for the first connection (used by start-up tasks such as loading scripts).</summary>
    public Task<RedisClient> WaitForClientAsync(CancellationToken cancellationToken) => _client.Task.WaitAsync(cancellationToken);

    public async ValueTask<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (!_client.Task.IsCompletedSuccessfully)
        {
            return false;
        }
        try
        {
            return await _client.Task.Result.PingAsync(cancellationToken).ConfigureAwait(false) == "PONG";
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.ReconnectMinDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var client = await RedisClient.ConnectAsync(options.Value, stoppingToken).ConfigureAwait(false);
                LogConnected(logger, options.Value.Endpoint);
                _client.TrySetResult(client);
                return;
            }
            catch (RedisException ex)
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
        if (_client.Task.IsCompletedSuccessfully)
        {
            await _client.Task.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Redis at {Endpoint} unavailable; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string endpoint, double delayMs, string reason);
}
