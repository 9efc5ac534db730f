using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Scoring.Transport.Internal;

/// <summary>Serves one mapped method: protocol checks, deadline, handler, status (GRPC.md).</summary>
internal sealed partial class ServerMethodHandler<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly MessageParser<TRequest> Parser = new(static () => new TRequest());

    private readonly GrpcMethod _method;
    private readonly GrpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly Func<TRequest, ServerCallContext, ValueTask<TResponse>>? _unary;
    private readonly Func<IAsyncStreamReader<TRequest>, ServerCallContext, ValueTask<TResponse>>? _clientStreaming;
    private readonly Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>? _serverStreaming;
    private readonly Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>? _duplex;

    public ServerMethodHandler(GrpcMethod method, Delegate handler, GrpcServerOptions options, ILogger logger)
    {
        _method = method;
        _options = options;
        _logger = logger;
        _unary = handler as Func<TRequest, ServerCallContext, ValueTask<TResponse>>;
        _clientStreaming = handler as Func<IAsyncStreamReader<TRequest>, ServerCallContext, ValueTask<TResponse>>;
        _serverStreaming = handler as Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>;
        _duplex = handler as Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>;
    }

    public async Task HandleAsync(HttpContext http)
    {
        if (!ProtocolChecks.Accept(http))
        {
            return;
        }
        if (_method.Type != GrpcMethodType.Unary)
        {
            // Long-lived streams must not be cut by Kestrel's body rate or size limits;
            // message size is enforced per message instead (GRPC.md item 15).
            if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
            {
                rate.MinDataRate = null;
            }
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        var start = GrpcServerMetrics.RecordStarted(_method);
        using var call = new ServerCallContext(http, _method, _options);
        try
        {
            var work = InvokeAsync(call);
            if (call.HasDeadline && !work.IsCompleted)
            {
                var first = await Task.WhenAny(work, call.DeadlineTask).ConfigureAwait(false);
                if (first != work)
                {
                    await call.CompleteWithDeadlineAsync().ConfigureAwait(false);
                    // Keep the HttpContext alive until the handler has let go of it.
                    await ObserveAsync(work).ConfigureAwait(false);
                    return;
                }
            }
            await work.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SetErrorStatus(call, ex);
        }
        finally
        {
            call.Complete();
            GrpcServerMetrics.RecordHandled(_method, call.Status.StatusCode, start);
        }
    }

    private async Task InvokeAsync(ServerCallContext call)
    {
        var reader = call.HttpContext.Request.BodyReader;
        switch (_method.Type)
        {
            case GrpcMethodType.Unary:
            {
                var request = await ReadUnaryRequestAsync(call).ConfigureAwait(false);
                var response = await _unary!(request, call).ConfigureAwait(false);
                await call.WriteMessageAsync(response, flush: false, call.CancellationToken).ConfigureAwait(false);
                break;
            }
            case GrpcMethodType.ClientStreaming:
            {
                var response = await _clientStreaming!(new RequestStreamReader(reader, call), call).ConfigureAwait(false);
                await call.WriteMessageAsync(response, flush: false, call.CancellationToken).ConfigureAwait(false);
                break;
            }
            case GrpcMethodType.ServerStreaming:
            {
                var request = await ReadUnaryRequestAsync(call).ConfigureAwait(false);
                await _serverStreaming!(request, new ResponseStreamWriter(call), call).ConfigureAwait(false);
                break;
            }
            default:
                await _duplex!(new RequestStreamReader(reader, call), new ResponseStreamWriter(call), call).ConfigureAwait(false);
                break;
        }
    }

    private static async ValueTask<TRequest> ReadUnaryRequestAsync(ServerCallContext call)
    {
        var reader = call.HttpContext.Request.BodyReader;
        var request = await MessageCodec.ReadAsync(reader, Parser, call.MaxReceiveMessageSize, call.RequestEncoding,
            endAllowed: false, call.CancellationToken).ConfigureAwait(false);
        await MessageCodec.EnsureEndAsync(reader, call.CancellationToken).ConfigureAwait(false);
        return request!;
    }

    private void SetErrorStatus(ServerCallContext call, Exception ex)
    {
        if (call.IsCompleted)
        {
            return;
        }
        switch (ex)
        {
            case RpcException rpc:
                call.Status = rpc.Status;
                foreach (var entry in rpc.Trailers)
                {
                    call.ResponseTrailers.Add(entry);
                }
                break;
            case OperationCanceledException when call.DeadlineExpired:
                call.Status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
                break;
            case var _ when call.HttpContext.RequestAborted.IsCancellationRequested:
                call.Status = new Status(StatusCode.Cancelled, "Call canceled by the client.");
                break;
            // The connection died under the call (the caller went away); Kestrel signals
            // RequestAborted from the thread pool, so the failed read can come first.
            case Microsoft.AspNetCore.Connections.ConnectionAbortedException or IOException { InnerException: Microsoft.AspNetCore.Connections.ConnectionAbortedException }:
                call.Status = new Status(StatusCode.Cancelled, "The caller's connection was lost.");
                break;
            default:
                LogHandlerError(_logger, _method.FullName, ex.GetType().Name, ex);
                call.Status = new Status(StatusCode.Internal, _options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                    : "Exception was thrown by handler.");
                break;
        }
    }

    private static async Task ObserveAsync(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch
        {
            // The call already ended with DEADLINE_EXCEEDED; a late failure changes nothing.
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "gRPC handler {Method} failed with {ExceptionType}")]
    private static partial void LogHandlerError(ILogger logger, string method, string exceptionType, Exception exception);

    private sealed class RequestStreamReader(System.IO.Pipelines.PipeReader reader, ServerCallContext call) : IAsyncStreamReader<TRequest>
    {
        private TRequest? _current;
        private bool _ended;

        public TRequest Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

        public async ValueTask<bool> MoveNext(CancellationToken cancellationToken = default)
        {
            if (_ended)
            {
                return false;
            }
            using var linked = cancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken)
                : null;
            var token = linked?.Token ?? call.CancellationToken;
            _current = await MessageCodec.ReadAsync(reader, Parser, call.MaxReceiveMessageSize, call.RequestEncoding,
                endAllowed: true, token).ConfigureAwait(false);
            _ended = _current is null;
            return !_ended;
        }
    }

    private sealed class ResponseStreamWriter(ServerCallContext call) : IServerStreamWriter<TResponse>
    {
        public Task WriteAsync(TResponse message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            // Flush after each streamed message so callers see it now (GRPC.md item 13).
            var token = cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken;
            return call.WriteMessageAsync(message, flush: true, token);
        }
    }
}
