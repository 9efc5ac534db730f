using System.Runtime.CompilerServices;

namespace Scoring.Transport;

/// <summary>Reads the messages of a request (server) or response (client) stream in order.</summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    /// <summary>Advances to the next message; false at a clean end of stream.</summary>
    ValueTask<bool> MoveNext(CancellationToken cancellationToken = default);
}

/// <summary>Writes response messages of a server or bidirectional streaming call; each write is flushed.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>Writes request messages of a client or bidirectional streaming call.</summary>
public interface IClientStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>Ends the request stream (HTTP/2 END_STREAM).</summary>
    Task CompleteAsync();
}

public static class AsyncStreamReaderExtensions
{
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IAsyncStreamReader<T> reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
