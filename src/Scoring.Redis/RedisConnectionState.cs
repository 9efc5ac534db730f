namespace Scoring.Redis;

/// <summary>Connection state reported by <see cref="RedisClient.ConnectionStateChanged"/>.</summary>
public enum RedisConnectionState
{
    /// <summary>A connection is established and usable.</summary>
    Connected,

    /// <summary>A connection dropped; the client is reconnecting in the background.</summary>
    Disconnected,
}

/// <summary>Arguments of <see cref="RedisClient.ConnectionStateChanged"/>.</summary>
public sealed class RedisConnectionStateChangedEventArgs(string endpoint, RedisConnectionState state, Exception? error) : EventArgs
{
    /// <summary><c>host:port</c> of the connection.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The new state.</summary>
    public RedisConnectionState State { get; } = state;

    /// <summary>Why the connection dropped (for <see cref="RedisConnectionState.Disconnected"/>).</summary>
    public Exception? Error { get; } = error;
}
