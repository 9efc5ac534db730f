using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Scoring.Transport.Internal;

namespace Scoring.Transport.Client;

internal interface IClientCallCore<TResponse> : IDisposable
{
    IAsyncStreamReader<TResponse> ResponseStream { get; }

    Task<Metadata> ResponseHeadersAsync();

    Status GetStatus();

    Metadata GetTrailers();
}

/// <summary>One client call over one HTTP/2 stream; all four call kinds use it.</summary>
internal sealed class ClientCall<TRequest, TResponse> : IClientCallCore<TResponse>, IClientStreamWriter<TRequest>, IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly MessageParser<TResponse> Parser = new(static () => new TResponse());
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocol.ContentType);

    private readonly GrpcChannel _channel;
    private readonly string _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly bool _hasDeadline;
    private Task<HttpResponseMessage>? _sendTask;
    private HttpResponseMessage? _response;
    private PipeReader? _responseReader;
    private string? _responseEncoding;
    private RequestStreamContent? _requestStream;
    private Status? _status;
    private Metadata? _trailers;
    private Task<Metadata>? _headersTask;
    private TResponse? _current;

    public ClientCall(GrpcChannel channel, string method, CallOptions options)
    {
        if (string.IsNullOrEmpty(method) || method[0] != '/')
        {
            throw new ArgumentException($"Method '{method}' must be a full path such as /package.Service/Method.", nameof(method));
        }
        _channel = channel;
        _method = method;
        _options = options;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            _hasDeadline = true;
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            // Enforce the deadline locally too: a server that ignores grpc-timeout can't hang us.
            _cts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }
    }

    public IAsyncStreamReader<TResponse> ResponseStream => this;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public void Start(TRequest? unaryRequest)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        headers.TryAddWithoutValidation("user-agent", "scoring-grpc-dotnet/1.0");
        if (_hasDeadline)
        {
            var remaining = _options.Deadline!.Value.ToUniversalTime() - DateTime.UtcNow;
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(remaining));
        }
        var gzip = _channel.Options.RequestCompression == GrpcProtocol.Gzip;
        if (gzip)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.Gzip);
        }
        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? GrpcProtocol.EncodeBinaryHeader(entry.ValueBytes) : entry.Value);
            }
        }
        if (unaryRequest is not null)
        {
            var buffer = new ArrayBufferWriter<byte>();
            MessageCodec.Write(buffer, unaryRequest, _channel.Options.MaxSendMessageSize, gzip, CompressionLevel.Fastest);
            request.Content = new FramedContent(buffer.WrittenMemory);
        }
        else
        {
            _requestStream = new RequestStreamContent();
            request.Content = _requestStream;
        }
        request.Content.Headers.ContentType = GrpcContentType;
        _sendTask = _channel.Invoker.SendAsync(request, _cts.Token);
    }

    public Task<Metadata> ResponseHeadersAsync() => _headersTask ??= GetHeadersAsync();

    private async Task<Metadata> GetHeadersAsync()
    {
        var response = await GetResponseAsync().ConfigureAwait(false);
        return ToMetadata(response.Headers);
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call has not ended yet.");

    public Metadata GetTrailers() => _trailers ?? throw new InvalidOperationException("The call has not ended yet.");

    public async Task<TResponse> ReadSingleResponseAsync()
    {
        if (!await MoveNext().ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize response message: the server sent none."), _trailers);
        }
        var message = _current!;
        if (await MoveNext().ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.Internal, "The server sent more than one response message for a unary response."), _trailers);
        }
        return message;
    }

    public async ValueTask<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        if (_status is { } ended)
        {
            return ended.StatusCode == StatusCode.OK ? false : throw new RpcException(ended, _trailers);
        }
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cts) : default;
        try
        {
            var response = await GetResponseAsync().ConfigureAwait(false);
            if (_status is { } trailersOnly)
            {
                return trailersOnly.StatusCode == StatusCode.OK ? false : throw new RpcException(trailersOnly, _trailers);
            }
            _responseReader ??= PipeReader.Create(await response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false));
            _current = await MessageCodec.ReadAsync(_responseReader, Parser, _channel.Options.MaxReceiveMessageSize ?? int.MaxValue,
                _responseEncoding, endAllowed: true, _cts.Token).ConfigureAwait(false);
            if (_current is not null)
            {
                return true;
            }
            Finish(ReadStatus(response.TrailingHeaders, response), ToMetadata(response.TrailingHeaders));
            return _status!.Value.StatusCode == StatusCode.OK ? false : throw new RpcException(_status.Value, _trailers);
        }
        catch (RpcException ex) when (_status is null)
        {
            // A framing or size error found locally ends the call.
            Finish(ex.Status, ex.Trailers);
            _cts.Cancel();
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException && _status is null)
        {
            var status = MapFailure(ex);
            Finish(status, new Metadata());
            throw new RpcException(status);
        }
    }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stream = _requestStream ?? throw new InvalidOperationException("This call has no request stream.");
        if (_status is { } ended)
        {
            throw new RpcException(ended, _trailers);
        }
        var buffer = new ArrayBufferWriter<byte>();
        MessageCodec.Write(buffer, message, _channel.Options.MaxSendMessageSize, _channel.Options.RequestCompression == GrpcProtocol.Gzip, CompressionLevel.Fastest);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        try
        {
            await stream.WriteAsync(buffer.WrittenMemory, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // The server may have ended the call early; its status explains why.
            if (_sendTask is { IsCompleted: true } && _status is null)
            {
                try
                {
                    await MoveNext(CancellationToken.None).ConfigureAwait(false);
                }
                catch (RpcException rpc)
                {
                    throw new RpcException(rpc.Status, rpc.Trailers);
                }
            }
            throw new RpcException(_status ?? MapFailure(ex), _trailers);
        }
    }

    public Task CompleteAsync()
    {
        _requestStream?.Complete();
        return Task.CompletedTask;
    }

    private async Task<HttpResponseMessage> GetResponseAsync()
    {
        if (_response is not null)
        {
            return _response;
        }
        HttpResponseMessage response;
        try
        {
            response = await _sendTask!.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            var status = MapFailure(ex);
            Finish(status, new Metadata());
            throw new RpcException(status);
        }
        _response = response;
        _responseEncoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var enc) ? enc.FirstOrDefault() : null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var status = response.Headers.Contains(GrpcProtocol.StatusHeader)
                ? ReadStatus(response.Headers, response)
                : new Status(MapHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}");
            Finish(status, ToMetadata(response.Headers));
        }
        else if (response.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            // Trailers-only response: the status came with the headers.
            Finish(ReadStatus(response.Headers, response), ToMetadata(response.Headers));
        }
        return response;
    }

    private Status MapFailure(Exception ex)
    {
        if (_hasDeadline && _cts.IsCancellationRequested && !_options.CancellationToken.IsCancellationRequested)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        if (ex is OperationCanceledException || _cts.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }
        return new Status(StatusCode.Unavailable, "Error connecting to " + _channel.Address.Authority + ": " + ex.Message);
    }

    private void Finish(Status status, Metadata trailers)
    {
        _status ??= status;
        _trailers ??= trailers;
    }

    private static Status ReadStatus(HttpHeaders headers, HttpResponseMessage response)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values))
        {
            return new Status(StatusCode.Internal, "No grpc-status found on response.");
        }
        var raw = values.FirstOrDefault();
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Internal, $"Invalid grpc-status '{raw}' on response.");
        }
        var message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var m) ? GrpcProtocol.PercentDecode(m.FirstOrDefault()) : string.Empty;
        _ = response;
        return new Status((StatusCode)code, message);
    }

    // PROTOCOL-HTTP2.md / http-grpc-status-mapping.md
    private static StatusCode MapHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key) || header.Key.Equals("date", StringComparison.OrdinalIgnoreCase) ||
                header.Key.Equals("server", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (var value in header.Value)
            {
                var key = header.Key.ToLowerInvariant();
                if (key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
                {
                    metadata.Add(key, GrpcProtocol.DecodeBinaryHeader(value));
                }
                else
                {
                    metadata.Add(key, value);
                }
            }
        }
        return metadata;
    }

    public void Dispose()
    {
        if (_status is null)
        {
            // Disposing an unfinished call cancels it: the handler resets the stream.
            Finish(new Status(StatusCode.Cancelled, "Call disposed."), new Metadata());
            _cts.Cancel();
        }
        _requestStream?.Complete();
        _response?.Dispose();
        _cts.Dispose();
    }

    /// <summary>A whole request body known up front (unary and server streaming).</summary>
    private sealed class FramedContent(ReadOnlyMemory<byte> body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(body).AsTask();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            stream.WriteAsync(body, cancellationToken).AsTask();

        // No content-length: gRPC bodies are framed by the message prefix, not the HTTP length.
        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A request body written message by message; Complete ends it with END_STREAM.</summary>
    private sealed class RequestStreamContent : HttpContent
    {
        private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _writeLock = new(1, 1);

        public async Task WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        {
            if (_completed.Task.IsCompleted)
            {
                throw new InvalidOperationException("Can't write the message because the request stream is complete.");
            }
            var stream = await _stream.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        public void Complete() => _completed.TrySetResult();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _stream.TrySetResult(stream);
            await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // Let an in-flight write finish before the body ends.
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            _writeLock.Release();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
