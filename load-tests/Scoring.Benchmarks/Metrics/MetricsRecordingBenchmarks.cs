using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Scoring.Transport.Metrics;

namespace Scoring.Benchmarks.Metrics;

/// <summary>
/// The cost the gRPC server pays per call for its metrics: a labelled counter add and a
/// labelled histogram record into the Prometheus exporter, against the same calls on a meter
/// nobody listens to. Budget: 0 bytes allocated per recording once the label set exists.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private static readonly KeyValuePair<string, object?> Type = new("grpc_type", "unary");
    private static readonly KeyValuePair<string, object?> Service = new("grpc_service", "scoring.v1.Scoring");
    private static readonly KeyValuePair<string, object?> Method = new("grpc_method", "GetScores");
    private static readonly KeyValuePair<string, object?> Code = new("grpc_code", "OK");

    private Meter _meter = null!;
    private Meter _unobserved = null!;
    private PrometheusExporter _exporter = null!;
    private Counter<long> _started = null!;
    private Histogram<double> _seconds = null!;
    private Counter<long> _unobservedStarted = null!;
    private MeterListener _noopListener = null!;
    private Meter _noopMeter = null!;
    private Counter<long> _noopStarted = null!;

    [GlobalSetup]
    public void Setup()
    {
        _meter = new Meter("Scoring.Bench.Metrics");
        _unobserved = new Meter("Unobserved.Bench.Metrics");
        _exporter = new PrometheusExporter(new PrometheusExporterOptions { IncludeProcessMetrics = false });
        _started = _meter.CreateCounter<long>("grpc_server_started");
        _seconds = _meter.CreateHistogram<double>("grpc_server_handling_seconds", unit: "s");
        _unobservedStarted = _unobserved.CreateCounter<long>("grpc_server_started");

        // The floor any MeterListener-based exporter pays: dispatch to a callback that does nothing.
        _noopMeter = new Meter("Noop.Bench.Metrics");
        _noopStarted = _noopMeter.CreateCounter<long>("grpc_server_started");
        _noopListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == _noopMeter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _noopListener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _noopListener.Start();

        // Twenty methods' worth of series, as a running server would have.
        for (var i = 0; i < 20; i++)
        {
            _started.Add(1, Type, Service, new KeyValuePair<string, object?>("grpc_method", "M" + i));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _noopListener.Dispose();
        _noopMeter.Dispose();
        _meter.Dispose();
        _unobserved.Dispose();
    }

    [Benchmark]
    public void CounterAdd_NoListener() => _unobservedStarted.Add(1, Type, Service, Method);

    [Benchmark(Baseline = true)]
    public void CounterAdd_NoopListener() => _noopStarted.Add(1, Type, Service, Method);

    [Benchmark]
    public void CounterAdd_ThreeTags() => _started.Add(1, Type, Service, Method);

    [Benchmark]
    public void HistogramRecord_FourTags()
    {
        var tags = new TagList { Type, Service, Method, Code };
        _seconds.Record(0.0042, in tags);
    }

    [Benchmark]
    public async Task<int> Scrape() => (await _exporter.RenderAsync().ConfigureAwait(false)).Length;
}
