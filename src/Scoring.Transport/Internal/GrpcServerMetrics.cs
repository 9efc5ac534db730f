using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Scoring.Transport.Internal;

/// <summary>
/// The instruments the gRPC ecosystem's Prometheus interceptors expose, recorded through
/// System.Diagnostics.Metrics; Metrics/PrometheusExporter renders them.
/// </summary>
internal static class GrpcServerMetrics
{
    public const string MeterName = "Scoring.Grpc.Server";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Started = Meter.CreateCounter<long>(
        "grpc_server_started", description: "Total number of RPCs started on the server.");

    private static readonly Counter<long> Handled = Meter.CreateCounter<long>(
        "grpc_server_handled", description: "Total number of RPCs completed on the server, regardless of success or failure.");

    // Sub-millisecond resolution: this service answers in well under a millisecond when warm.
    private static readonly Histogram<double> Handling = Meter.CreateHistogram(
        "grpc_server_handling_seconds", unit: "s",
        description: "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    public static long RecordStarted(GrpcMethod method)
    {
        Started.Add(1, method.StartedTags.AsSpan());
        return Stopwatch.GetTimestamp();
    }

    public static void RecordHandled(GrpcMethod method, StatusCode code, long startTimestamp)
    {
        var tags = method.HandledTags(code).AsSpan();
        Handled.Add(1, tags);
        Handling.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }
}
