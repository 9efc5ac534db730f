using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;

namespace Scoring.Transport.Client;

public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted; null for no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>"gzip" to compress request messages; null for identity.</summary>
    public string? RequestCompression { get; set; }

    /// <summary>Server certificate check for https addresses; null uses the system trust store.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>HTTP/2 connections to open when streams exceed one connection's limit.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;
}

/// <summary>Per-call settings: metadata, deadline and cancellation.</summary>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default);

/// <summary>
/// A gRPC client connection to one address over HTTP/2 (h2c for http://, TLS for https://),
/// on SocketsHttpHandler. Thread-safe; share one per target.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = options.ServerCertificateValidation,
                ClientCertificates = options.ClientCertificates,
                ApplicationProtocols = [SslApplicationProtocol.Http2],
            };
        }
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker => _invoker;

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must use http:// (h2c) or https:// (TLS).", nameof(address));
        }
        if (options?.RequestCompression is not null and not "gzip")
        {
            throw new ArgumentException($"Request compression '{options.RequestCompression}' is not supported; use gzip or null.", nameof(options));
        }
        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>Calls a unary method, e.g. "/scoring.v1.Scoring/GetScores".</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        using var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(request);
        return await call.ReadSingleResponseAsync().ConfigureAwait(false);
    }

    public ClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(string method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(null);
        return new ClientStreamingCall<TRequest, TResponse>(call);
    }

    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(string method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(request);
        return new ServerStreamingCall<TResponse>(call);
    }

    public DuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(string method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(null);
        return new DuplexStreamingCall<TRequest, TResponse>(call);
    }

    public void Dispose() => _invoker.Dispose();
}
