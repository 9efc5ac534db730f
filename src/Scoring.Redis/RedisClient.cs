using Scoring.Redis.Internal;

namespace Scoring.Redis;

/// <summary>
/// A Redis client over <see cref="RedisOptions.PoolSize"/> multiplexed connections (default 1).
/// Thread-safe: concurrent callers' commands are pipelined on the shared connection and
/// replies are matched to callers in order. It reconnects by itself (exponential backoff with
/// jitter); while disconnected, commands fail fast with <see cref="RedisUnavailableException"/>
/// and commands in flight when a connection drops fail with it too (nothing is replayed).
/// Blocking commands (XREADGROUP BLOCK) hold up every later command on their connection:
/// run them on <see cref="CreateDedicatedConnectionAsync"/>.
/// </summary>
public sealed class RedisClient : RedisCommands, IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ConnectionSlot[] _slots;
    private readonly CancellationTokenSource _disposed = new();
    private int _next;

    private RedisClient(RedisOptions options)
    {
        _options = options;
        var (host, port) = options.ParseEndpoint();
        Endpoint = $"{host}:{port}";
        _slots = new ConnectionSlot[options.PoolSize];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ConnectionSlot(options, Endpoint, RaiseStateChanged, RaisePush, _disposed.Token);
        }
    }

    /// <summary>Raised when a connection is established or lost (from a background thread).</summary>
    public event EventHandler<RedisConnectionStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>RESP3 push messages (e.g. client-side caching invalidations), never matched to commands.</summary>
    public event EventHandler<RedisResult>? PushReceived;

    /// <summary><c>host:port</c> this client talks to.</summary>
    public string Endpoint { get; }

    /// <summary>True when at least one connection of the pool is usable (for health probes).</summary>
    public bool IsConnected
    {
        get
        {
            foreach (var slot in _slots)
            {
                if (slot.IsConnected)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The options in use (a validated copy).</summary>
    public RedisOptions Options => _options;

    /// <summary>
    /// Validates <paramref name="options"/>, connects every pool connection and runs the handshake.
    /// Throws <see cref="RedisUnavailableException"/> when the server cannot be reached and
    /// <see cref="RedisServerException"/> when it refuses the handshake (e.g. WRONGPASS).
    /// </summary>
    public static async Task<RedisClient> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var client = new RedisClient(options.Clone());
        try
        {
            await Task.WhenAll(client._slots.Select(s => s.ConnectAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    /// <summary>
    /// A new client with one connection of its own and the same options, for blocking commands
    /// (XREADGROUP BLOCK) so they do not stall this client's callers. Dispose it when done.
    /// </summary>
    public Task<RedisClient> CreateDedicatedConnectionAsync(CancellationToken cancellationToken = default)
    {
        var options = _options.Clone();
        options.PoolSize = 1;
        return ConnectAsync(options, cancellationToken);
    }

    /// <summary>A batch: commands queued on it are sent together, in one write, by <see cref="RedisBatch.Execute"/>.</summary>
    public RedisBatch CreateBatch() => new(this);

    /// <summary>Runs a <see cref="LuaScript"/> by SHA, loading it once on NOSCRIPT.</summary>
    public ValueTask<RedisResult> ScriptEvaluateAsync(LuaScript script, string[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        return script.EvaluateAsync(this, keys, args, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (var slot in _slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }

        _disposed.Dispose();
    }

    internal override ICommandSink GetSink() => PickConnection();

    internal RedisConnection PickConnection()
    {
        if (_slots.Length == 1)
        {
            return _slots[0].GetConnection();
        }

        var start = (uint)Interlocked.Increment(ref _next);
        for (uint i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[(start + i) % _slots.Length];
            if (slot.IsConnected)
            {
                return slot.GetConnection();
            }
        }

        return _slots[start % _slots.Length].GetConnection();
    }

    private void RaiseStateChanged(RedisConnectionState state, Exception? error)
    {
        try
        {
            ConnectionStateChanged?.Invoke(this, new RedisConnectionStateChangedEventArgs(Endpoint, state, error));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Subscribers must not break reconnection.
            System.Diagnostics.Trace.TraceWarning("Redis ConnectionStateChanged handler threw {0}", ex.GetType().Name);
        }
    }

    private void RaisePush(RedisResult message) => PushReceived?.Invoke(this, message);
}
