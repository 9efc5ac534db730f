namespace Scoring.Redis;

/// <summary>Base type of every error raised by the Redis client.</summary>
public class RedisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Redis answered with an error reply (<c>-PREFIX message</c> or a RESP3 blob error).
/// <see cref="Prefix"/> is the first word, e.g. ERR, WRONGTYPE, NOSCRIPT, BUSYGROUP, NOAUTH, WRONGPASS.
/// </summary>
public sealed class RedisServerException : RedisException
{
    /// <summary>Creates the exception from the full error text sent by the server.</summary>
    public RedisServerException(string serverMessage)
        : base(serverMessage)
    {
        var space = serverMessage.IndexOf(' ', StringComparison.Ordinal);
        Prefix = space < 0 ? serverMessage : serverMessage[..space];
    }

    /// <summary>The error code: the first word of the error reply (ERR, WRONGTYPE, NOSCRIPT...).</summary>
    public string Prefix { get; }
}

/// <summary>A command did not complete within its timeout.</summary>
public sealed class RedisTimeoutException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The client has no usable connection to the endpoint (not yet connected, dropped,
/// reconnecting or disposed), or the connection dropped while the command was in flight.
/// Commands are never replayed automatically.
/// </summary>
public sealed class RedisUnavailableException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The server sent bytes that are not valid RESP or exceed the configured limits.</summary>
public sealed class RedisProtocolException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the decoding error that caused it.</summary>
    public RedisProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
