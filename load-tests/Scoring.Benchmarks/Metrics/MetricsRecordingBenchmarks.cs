using BenchmarkDotNet.Attributes;
using Prometheus;

namespace Scoring.Benchmarks.Metrics;

/// <summary>
/// The cost the gRPC server pays per call for its metrics on prometheus-net: the started
/// counter, the handled counter and the latency histogram of one method and status code, with
/// the label children resolved once as the server's interceptor does. Budget: 0 bytes allocated
/// per recording. Scrape renders twenty methods' worth of series.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private CollectorRegistry _registry = null!;
    private Counter.Child _started = null!;
    private Counter.Child _handled = null!;
    private Histogram.Child _seconds = null!;
    private Counter _startedFamily = null!;
    private MemoryStream _scrape = null!;

    [GlobalSetup]
    public void Setup()
    {
        _registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        _startedFamily = factory.CreateCounter("grpc_server_started_total", "Started.", ["grpc_type", "grpc_service", "grpc_method"]);
        var handled = factory.CreateCounter("grpc_server_handled_total", "Handled.", ["grpc_type", "grpc_service", "grpc_method", "grpc_code"]);
        var seconds = factory.CreateHistogram("grpc_server_handling_seconds", "Latency.", new HistogramConfiguration
        {
            LabelNames = ["grpc_type", "grpc_service", "grpc_method", "grpc_code"],
            Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });
        _started = _startedFamily.WithLabels("unary", "scoring.v1.Scoring", "GetScores");
        _handled = handled.WithLabels("unary", "scoring.v1.Scoring", "GetScores", "OK");
        _seconds = seconds.WithLabels("unary", "scoring.v1.Scoring", "GetScores", "OK");
        for (var i = 0; i < 20; i++)
        {
            var method = "M" + i;
            _startedFamily.WithLabels("unary", "scoring.v1.Scoring", method).Inc();
            handled.WithLabels("unary", "scoring.v1.Scoring", method, "OK").Inc();
            seconds.WithLabels("unary", "scoring.v1.Scoring", method, "OK").Observe(0.001);
        }

        _scrape = new MemoryStream();
    }

    [Benchmark(Baseline = true)]
    public void Call_StartedHandledAndLatency()
    {
        _started.Inc();
        _handled.Inc();
        _seconds.Observe(0.0042);
    }

    /// <summary>What a label lookup per call would cost instead of resolving the child once.</summary>
    [Benchmark]
    public void CounterInc_LabelLookupPerCall() => _startedFamily.WithLabels("unary", "scoring.v1.Scoring", "GetScores").Inc();

    [Benchmark]
    public async Task<long> Scrape()
    {
        _scrape.SetLength(0);
        await _registry.CollectAndExportAsTextAsync(_scrape).ConfigureAwait(false);
        return _scrape.Length;
    }
}
