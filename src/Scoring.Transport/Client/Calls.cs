namespace Scoring.Transport.Client;

/// <summary>What every call exposes: response headers, final status and trailers, cancellation.</summary>
public interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status; only once the call has ended.</summary>
    Status GetStatus();

    /// <summary>The trailers; only once the call has ended.</summary>
    Metadata GetTrailers();
}

public sealed class ClientStreamingCall<TRequest, TResponse> : IClientCall
    where TRequest : class, Google.Protobuf.IMessage<TRequest>
    where TResponse : class, Google.Protobuf.IMessage<TResponse>, new()
{
    private readonly ClientCall<TRequest, TResponse> _call;
    private Task<TResponse>? _response;

    internal ClientStreamingCall(ClientCall<TRequest, TResponse> call) => _call = call;

    public IClientStreamWriter<TRequest> RequestStream => _call;

    /// <summary>The single response; completes after the request stream is completed.</summary>
    public Task<TResponse> ResponseAsync => _response ??= _call.ReadSingleResponseAsync();

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync();

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}

public sealed class ServerStreamingCall<TResponse> : IClientCall
    where TResponse : class, Google.Protobuf.IMessage<TResponse>, new()
{
    private readonly IClientCallCore<TResponse> _call;

    internal ServerStreamingCall(IClientCallCore<TResponse> call) => _call = call;

    public IAsyncStreamReader<TResponse> ResponseStream => _call.ResponseStream;

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync();

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}

public sealed class DuplexStreamingCall<TRequest, TResponse> : IClientCall
    where TRequest : class, Google.Protobuf.IMessage<TRequest>
    where TResponse : class, Google.Protobuf.IMessage<TResponse>, new()
{
    private readonly ClientCall<TRequest, TResponse> _call;

    internal DuplexStreamingCall(ClientCall<TRequest, TResponse> call) => _call = call;

    public IClientStreamWriter<TRequest> RequestStream => _call;

    public IAsyncStreamReader<TResponse> ResponseStream => _call.ResponseStream;

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync();

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
