namespace Scoring.Redis.Internal;

/// <summary>
/// Holds one connection of the pool and replaces it when it fails: exponential backoff with
/// jitter between attempts; while no connection is usable, callers fail fast.
/// </summary>
internal sealed class ConnectionSlot
{
    private readonly RedisOptions _options;
    private readonly string _endpoint;
    private readonly Action<RedisConnectionState, Exception?> _onStateChanged;
    private readonly Action<RedisResult> _onPush;
    private readonly CancellationToken _disposed;
    private RedisConnection? _connection;
    private Exception? _lastError;

    public ConnectionSlot(RedisOptions options, string endpoint, Action<RedisConnectionState, Exception?> onStateChanged, Action<RedisResult> onPush, CancellationToken disposed)
    {
        _options = options;
        _endpoint = endpoint;
        _onStateChanged = onStateChanged;
        _onPush = onPush;
        _disposed = disposed;
    }

    public bool IsConnected => Volatile.Read(ref _connection) is { IsHealthy: true };

    public Task ReconnectTask { get; private set; } = Task.CompletedTask;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = await RedisConnection.ConnectAsync(_options, OnConnectionFailed, _onPush, cancellationToken).ConfigureAwait(false);
        Attach(connection);
    }

    public RedisConnection GetConnection()
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is { IsHealthy: true })
        {
            return connection;
        }

        if (_disposed.IsCancellationRequested)
        {
            throw new RedisUnavailableException($"The Redis client for {_endpoint} has been disposed.");
        }

        var reason = _lastError is null ? "not connected" : $"reconnecting after: {_lastError.Message}";
        throw new RedisUnavailableException($"Redis at {_endpoint} is unavailable ({reason}).", _lastError);
    }

    public async ValueTask DisposeAsync()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await ReconnectTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposal stops the reconnect loop.
        }
    }

    private void Attach(RedisConnection connection)
    {
        Volatile.Write(ref _connection, connection);
        if (!connection.IsHealthy)
        {
            OnConnectionFailed(connection, connection.Failure!);
            return;
        }

        _onStateChanged(RedisConnectionState.Connected, null);
    }

    private void OnConnectionFailed(RedisConnection connection, Exception cause)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection)
        {
            return; // not (or no longer) the slot's connection, e.g. failed during its handshake
        }

        _lastError = cause;
        _onStateChanged(RedisConnectionState.Disconnected, cause);
        if (!_disposed.IsCancellationRequested)
        {
            ReconnectTask = Task.Run(ReconnectLoopAsync);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        for (var attempt = 0; !_disposed.IsCancellationRequested; attempt++)
        {
            await Task.Delay(NextDelay(attempt), _disposed).ConfigureAwait(false);
            try
            {
                var connection = await RedisConnection.ConnectAsync(_options, OnConnectionFailed, _onPush, _disposed).ConfigureAwait(false);
                if (_disposed.IsCancellationRequested)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                Attach(connection);
                return;
            }
            catch (RedisException ex)
            {
                _lastError = ex;
            }
        }
    }

    private TimeSpan NextDelay(int attempt)
    {
        // Exponential backoff with "equal jitter": half fixed, half random, so many clients
        // restarting together do not reconnect in lock-step.
        var ceiling = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
