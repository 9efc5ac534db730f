using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Scoring.Transport.Internal;

namespace Scoring.Transport;

/// <summary>
/// One server call: its deadline, cancellation, metadata and status. Also the call's
/// protocol state (what was sent, whether it is complete), so one object serves a call.
/// </summary>
public sealed class ServerCallContext : IDisposable
{
    private readonly GrpcServerOptions _options;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource? _linkedCts;
    private readonly TaskCompletionSource? _deadlineReached;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private int _writing;
    private int _completed;

    internal ServerCallContext(HttpContext httpContext, GrpcMethod method, GrpcServerOptions options)
    {
        HttpContext = httpContext;
        GrpcMethod = method;
        _options = options;
        var request = httpContext.Request;

        RequestEncoding = request.Headers[GrpcProtocol.EncodingHeader].ToString() is { Length: > 0 } enc ? enc : null;
        ResponseGzip = options.ResponseCompressionAlgorithm == GrpcProtocol.Gzip &&
            request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString().Contains(GrpcProtocol.Gzip, StringComparison.Ordinal);

        if (GrpcProtocol.TryParseTimeout(request.Headers[GrpcProtocol.TimeoutHeader].ToString(), out var timeout))
        {
            // A timer, not the linked token alone: the call must end at the deadline even if the
            // handler ignores its token (GRPC.md item 9).
            Deadline = timeout >= TimeSpan.FromDays(30) ? DateTime.MaxValue : DateTime.UtcNow + timeout;
            if (Deadline != DateTime.MaxValue)
            {
                _deadlineCts = new CancellationTokenSource(timeout);
                _linkedCts = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, _deadlineCts.Token);
                _deadlineReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _deadlineCts.Token.UnsafeRegister(static s => ((TaskCompletionSource)s!).TrySetResult(), _deadlineReached);
            }
        }
        else
        {
            Deadline = DateTime.MaxValue;
        }
        CancellationToken = _linkedCts?.Token ?? httpContext.RequestAborted;

        var response = httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        if (ResponseGzip)
        {
            response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.Gzip;
        }
    }

    /// <summary>The full method name, "/package.Service/Method".</summary>
    public string Method => GrpcMethod.FullName;

    /// <summary>UTC deadline from grpc-timeout; DateTime.MaxValue when the caller set none.</summary>
    public DateTime Deadline { get; }

    /// <summary>Cancelled when the caller cancels (RST_STREAM) or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    public HttpContext HttpContext { get; }

    /// <summary>The caller's custom metadata, without pseudo and protocol headers.</summary>
    public Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    /// <summary>Custom trailers sent with the status.</summary>
    public Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    /// <summary>The status the call ends with when the handler returns normally.</summary>
    public Status Status { get; set; } = Status.DefaultSuccess;

    /// <summary>The caller's address, e.g. "ipv4:127.0.0.1:53412".</summary>
    public string Peer
    {
        get
        {
            var ip = HttpContext.Connection.RemoteIpAddress;
            if (ip is null)
            {
                return "unknown";
            }
            var family = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";
            var address = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
            return string.Create(CultureInfo.InvariantCulture, $"{family}:{address}:{HttpContext.Connection.RemotePort}");
        }
    }

    internal GrpcMethod GrpcMethod { get; }

    internal string? RequestEncoding { get; }

    internal bool ResponseGzip { get; }

    internal bool HasDeadline => _deadlineReached is not null;

    internal Task DeadlineTask => _deadlineReached?.Task ?? Task.CompletedTask;

    internal bool DeadlineExpired => _deadlineCts?.IsCancellationRequested == true;

    internal bool IsCompleted => Volatile.Read(ref _completed) == 1;

    internal int MaxReceiveMessageSize => _options.MaxReceiveMessageSize;

    /// <summary>Sends response headers now, with custom metadata. At most once, before the first message.</summary>
    public async Task WriteResponseHeadersAsync(Metadata headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var response = HttpContext.Response;
        if (response.HasStarted)
        {
            throw new InvalidOperationException("Response headers can only be sent once per call.");
        }
        foreach (var entry in headers)
        {
            if (GrpcProtocol.IsReservedHeader(entry.Key))
            {
                throw new InvalidOperationException($"'{entry.Key}' is a protocol header and cannot be sent as metadata.");
            }
            response.Headers.Append(entry.Key, entry.IsBinary ? GrpcProtocol.EncodeBinaryHeader(entry.ValueBytes) : entry.Value);
        }
        await response.StartAsync(CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one message; concurrent writes and writes after completion fail.</summary>
    internal async Task WriteMessageAsync(Google.Protobuf.IMessage message, bool flush, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        }
        try
        {
            if (IsCompleted)
            {
                throw new InvalidOperationException("Can't write the message because the call is complete.");
            }
            var response = HttpContext.Response;
            if (!response.HasStarted)
            {
                // Must start the response before the first GetSpan on the body writer.
                await response.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            MessageCodec.Write(response.BodyWriter, message, _options.MaxSendMessageSize, ResponseGzip, _options.ResponseCompressionLevel);
            if (flush)
            {
                var result = await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>Ends the call normally or with an error: status and trailers, exactly once.</summary>
    internal void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 1)
        {
            return;
        }
        WriteStatus();
    }

    /// <summary>
    /// The deadline passed while the handler was running: end the call with
    /// DEADLINE_EXCEEDED now, then reset the stream with CANCEL so the caller stops sending.
    /// </summary>
    internal async Task CompleteWithDeadlineAsync()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 1)
        {
            return;
        }
        Status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        // A write in progress holds the body writer; its token is cancelled, so it ends soon.
        var spins = 0;
        while (Volatile.Read(ref _writing) == 1 && spins++ < 1000)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }
        WriteStatus();
        try
        {
            await HttpContext.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or IOException)
        {
            // The client may already be gone; the reset below still applies.
        }
        // CANCEL, not abort: abort would signal INTERNAL_ERROR (GRPC.md item 13).
        HttpContext.Features.Get<IHttpResetFeature>()?.Reset(GrpcProtocol.Http2CancelErrorCode);
    }

    private void WriteStatus()
    {
        var response = HttpContext.Response;
        var code = ((int)Status.StatusCode).ToString(CultureInfo.InvariantCulture);
        var message = Status.Detail.Length == 0 ? null : GrpcProtocol.PercentEncode(Status.Detail);
        if (!response.HasStarted)
        {
            // Trailers-only: the status goes in the single HEADERS frame with END_STREAM.
            response.Headers[GrpcProtocol.StatusHeader] = code;
            if (message is not null)
            {
                response.Headers[GrpcProtocol.MessageHeader] = message;
            }
            if (_responseTrailers is not null)
            {
                foreach (var entry in _responseTrailers)
                {
                    response.Headers.Append(entry.Key, entry.IsBinary ? GrpcProtocol.EncodeBinaryHeader(entry.ValueBytes) : entry.Value);
                }
            }
            return;
        }
        response.AppendTrailer(GrpcProtocol.StatusHeader, code);
        if (message is not null)
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, message);
        }
        if (_responseTrailers is not null)
        {
            foreach (var entry in _responseTrailers)
            {
                response.AppendTrailer(entry.Key, entry.IsBinary ? GrpcProtocol.EncodeBinaryHeader(entry.ValueBytes) : entry.Value);
            }
        }
    }

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var header in HttpContext.Request.Headers)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }
            var key = header.Key.ToLowerInvariant();
            foreach (var value in header.Value)
            {
                if (value is null)
                {
                    continue;
                }
                try
                {
                    if (key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
                    {
                        metadata.Add(key, GrpcProtocol.DecodeBinaryHeader(value));
                    }
                    else
                    {
                        metadata.Add(key, value);
                    }
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException)
                {
                    throw new RpcException(StatusCode.InvalidArgument, $"Request header '{key}' is not valid gRPC metadata.");
                }
            }
        }
        return metadata;
    }

    public void Dispose()
    {
        _linkedCts?.Dispose();
        _deadlineCts?.Dispose();
    }
}
