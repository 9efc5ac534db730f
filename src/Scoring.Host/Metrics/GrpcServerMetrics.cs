using System.Diagnostics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Prometheus;

namespace Scoring.Host.Metrics;

/// <summary>
/// The series of the gRPC ecosystem's Prometheus interceptors (go-grpc-prometheus names:
/// grpc_server_started_total, grpc_server_handled_total, grpc_server_handling_seconds), recorded
/// by a server interceptor on prometheus-net. Calls that never reach a handler (an unknown
/// service or method) are counted by <see cref="CountUnimplementedAsync"/> under the labels
/// "unknown", so a caller cannot create series by inventing method names.
/// </summary>
internal sealed class GrpcServerMetrics : Interceptor
{
    // In name order, as the exposition always wrote them (prometheus-net keeps declaration order).
    private static readonly string[] StartedLabels = ["grpc_method", "grpc_service", "grpc_type"];
    private static readonly string[] HandledLabels = ["grpc_code", "grpc_method", "grpc_service", "grpc_type"];

    // No exemplars: prometheus-net would otherwise look up the current trace on every record
    // (seen in a profile of GetScores); nothing here is traced yet.
    private static readonly ExemplarBehavior NoExemplars = new() { DefaultExemplarProvider = static (_, _) => Exemplar.None };

    // Series appear when first recorded (SuppressInitialValue), not as zeros for all 17 codes.
    private static readonly Counter Started = Prometheus.Metrics.CreateCounter(
        "grpc_server_started_total", "Total number of RPCs started on the server.",
        new CounterConfiguration { LabelNames = StartedLabels, SuppressInitialValue = true, ExemplarBehavior = NoExemplars });

    private static readonly Counter HandledTotal = Prometheus.Metrics.CreateCounter(
        "grpc_server_handled_total", "Total number of RPCs completed on the server, regardless of success or failure.",
        new CounterConfiguration { LabelNames = HandledLabels, SuppressInitialValue = true, ExemplarBehavior = NoExemplars });

    // Sub-millisecond resolution: this service answers in well under a millisecond when warm.
    private static readonly Histogram Handling = Prometheus.Metrics.CreateHistogram(
        "grpc_server_handling_seconds",
        "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
        new HistogramConfiguration
        {
            LabelNames = HandledLabels,
            SuppressInitialValue = true,
            ExemplarBehavior = NoExemplars,
            Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    // Label values per method and status code, built once: recording allocates nothing.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, MethodSeries> Series = new(StringComparer.Ordinal);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var series = Begin(context, MethodType.Unary, out var start);
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            series.Handled(StatusOf(context, null), start);
            return response;
        }
        catch (Exception ex)
        {
            series.Handled(StatusOf(context, ex), start);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var series = Begin(context, MethodType.ClientStreaming, out var start);
        try
        {
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            series.Handled(StatusOf(context, null), start);
            return response;
        }
        catch (Exception ex)
        {
            series.Handled(StatusOf(context, ex), start);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var series = Begin(context, MethodType.ServerStreaming, out var start);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            series.Handled(StatusOf(context, null), start);
        }
        catch (Exception ex)
        {
            series.Handled(StatusOf(context, ex), start);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var series = Begin(context, MethodType.DuplexStreaming, out var start);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            series.Handled(StatusOf(context, null), start);
        }
        catch (Exception ex)
        {
            series.Handled(StatusOf(context, ex), start);
            throw;
        }
    }

    /// <summary>
    /// Middleware: a gRPC request that routing sent to none of our methods is answered
    /// UNIMPLEMENTED by the library without an interceptor; count it under "unknown".
    /// </summary>
    public static Task CountUnimplementedAsync(HttpContext http, Func<Task> next)
    {
        var known = http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } metadata
            && metadata.Method.Name != "*"; // the library's catch-all for unknown methods of a known service
        // The common case passes straight through, without an async frame of its own.
        return known || !IsGrpc(http.Request.ContentType) ? next() : CountAsync(next);

        static async Task CountAsync(Func<Task> next)
        {
            var series = Series.GetOrAdd("unknown", static _ => new MethodSeries("unary", "unknown", "unknown"));
            var start = series.Start();
            await next().ConfigureAwait(false);
            series.Handled(StatusCode.Unimplemented, start);
        }
    }

    private static bool IsGrpc(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    private static MethodSeries Begin(ServerCallContext context, MethodType type, out long start)
    {
        var series = Series.GetOrAdd(context.Method, static (method, type) => MethodSeries.For(method, type), type);
        start = series.Start();
        return series;
    }

    /// <summary>
    /// The status the caller receives: OK, the RpcException's code, CANCELLED or
    /// DEADLINE_EXCEEDED when the call's token ended it, else UNKNOWN (what the library sends).
    /// An IOException is the request stream broken by the caller (reset or closed connection):
    /// Kestrel fails the read before it signals the call's token, so it counts as CANCELLED too.
    /// </summary>
    private static StatusCode StatusOf(ServerCallContext context, Exception? ex) => ex switch
    {
        null => context.Status.StatusCode,
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled,
        IOException => context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };

    private sealed class MethodSeries
    {
        private readonly Counter.Child _started;
        private readonly Counter.Child[] _handled = new Counter.Child[17];
        private readonly Histogram.Child[] _handling = new Histogram.Child[17];

        public MethodSeries(string type, string service, string method)
        {
            _started = Started.WithLabels(method, service, type);
            for (var code = 0; code < _handled.Length; code++)
            {
                _handled[code] = HandledTotal.WithLabels(ToLabel((StatusCode)code), method, service, type);
                _handling[code] = Handling.WithLabels(ToLabel((StatusCode)code), method, service, type);
            }
        }

        public static MethodSeries For(string fullMethod, MethodType type)
        {
            // "/package.Service/Method"
            var slash = fullMethod.LastIndexOf('/');
            var service = slash > 0 ? fullMethod[1..slash] : "unknown";
            var method = slash > 0 ? fullMethod[(slash + 1)..] : "unknown";
            return new MethodSeries(TypeLabel(type), service, method);
        }

        public long Start()
        {
            _started.Inc();
            return Stopwatch.GetTimestamp();
        }

        public void Handled(StatusCode code, long start)
        {
            var i = (int)code is >= 0 and < 17 ? (int)code : (int)StatusCode.Unknown;
            _handled[i].Inc();
            _handling[i].Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        private static string TypeLabel(MethodType type) => type switch
        {
            MethodType.Unary => "unary",
            MethodType.ClientStreaming => "client_stream",
            MethodType.ServerStreaming => "server_stream",
            _ => "bidi_stream",
        };

        // The code names as go-grpc-prometheus writes them (codes.Code.String()).
        private static string ToLabel(StatusCode code) => code switch
        {
            StatusCode.OK => "OK",
            StatusCode.Cancelled => "Canceled",
            StatusCode.Unknown => "Unknown",
            StatusCode.InvalidArgument => "InvalidArgument",
            StatusCode.DeadlineExceeded => "DeadlineExceeded",
            StatusCode.NotFound => "NotFound",
            StatusCode.AlreadyExists => "AlreadyExists",
            StatusCode.PermissionDenied => "PermissionDenied",
            StatusCode.ResourceExhausted => "ResourceExhausted",
            StatusCode.FailedPrecondition => "FailedPrecondition",
            StatusCode.Aborted => "Aborted",
            StatusCode.OutOfRange => "OutOfRange",
            StatusCode.Unimplemented => "Unimplemented",
            StatusCode.Internal => "Internal",
            StatusCode.Unavailable => "Unavailable",
            StatusCode.DataLoss => "DataLoss",
            StatusCode.Unauthenticated => "Unauthenticated",
            _ => "Unknown",
        };
    }
}
