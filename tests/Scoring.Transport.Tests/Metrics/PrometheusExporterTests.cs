using System.Diagnostics.Metrics;
using System.Text;
using Scoring.Transport.Metrics;
using Scoring.Transport.Metrics.Internal;

namespace Scoring.Transport.Tests.Metrics;

public sealed class PrometheusExporterTests : IDisposable
{
    // A meter name of our own per test class instance keeps parallel tests out of each other's scrapes.
    private readonly string _meterName = "Scoring.Test." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests()
    {
        _meter = new Meter(_meterName);
        var options = new PrometheusExporterOptions { IncludeProcessMetrics = false };
        options.MeterNamePrefixes.Clear();
        options.MeterNamePrefixes.Add(_meterName);
        _exporter = new PrometheusExporter(options);
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public async Task Render_CounterWithoutTotalSuffix_AppendsTotalAndSumsAdds()
    {
        var counter = _meter.CreateCounter<long>("requests", description: "Requests seen.");
        counter.Add(2);
        counter.Add(3);

        var text = await _exporter.RenderAsync();

        Assert.Contains("# HELP requests_total Requests seen.\n# TYPE requests_total counter\nrequests_total 5\n", text);
    }

    [Fact]
    public async Task Render_CounterAlreadyEndingInTotal_KeepsName()
    {
        _meter.CreateCounter<double>("bytes_total").Add(1.5);

        var text = await _exporter.RenderAsync();

        Assert.Contains("\nbytes_total 1.5\n", "\n" + text);
        Assert.DoesNotContain("bytes_total_total", text);
    }

    [Fact]
    public async Task Render_GrpcServerContract_UsesGrpcEcosystemNames()
    {
        // The transport layer's contract: meter Scoring.Grpc.Server with these instruments.
        using var meter = new Meter("Scoring.Grpc.Server");
        var options = new PrometheusExporterOptions { IncludeProcessMetrics = false };
        using var exporter = new PrometheusExporter(options);
        var started = meter.CreateCounter<long>("grpc_server_started");
        var handled = meter.CreateCounter<long>("grpc_server_handled");
        var seconds = meter.CreateHistogram<double>("grpc_server_handling_seconds", unit: "s");
        KeyValuePair<string, object?>[] call =
            [new("grpc_type", "unary"), new("grpc_service", "scoring.v1.Scoring"), new("grpc_method", "GetScores")];
        KeyValuePair<string, object?>[] done = [.. call, new("grpc_code", "OK")];

        started.Add(1, call);
        handled.Add(1, done);
        seconds.Record(0.003, done);
        var text = await exporter.RenderAsync();

        Assert.Contains("# TYPE grpc_server_started_total counter\n", text);
        Assert.Contains(
            "grpc_server_started_total{grpc_method=\"GetScores\",grpc_service=\"scoring.v1.Scoring\",grpc_type=\"unary\"} ", text);
        Assert.Contains(
            "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"GetScores\",grpc_service=\"scoring.v1.Scoring\",grpc_type=\"unary\"} ", text);
        Assert.Contains("# TYPE grpc_server_handling_seconds histogram\n", text);
        Assert.Contains(
            "grpc_server_handling_seconds_bucket{grpc_code=\"OK\",grpc_method=\"GetScores\",grpc_service=\"scoring.v1.Scoring\",grpc_type=\"unary\",le=\"0.005\"} ", text);
    }

    [Fact]
    public async Task Render_HistogramWithAdvice_WritesCumulativeBucketsSumAndCount()
    {
        var histogram = _meter.CreateHistogram<double>("latency_seconds", unit: "s", description: "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        foreach (var value in new[] { 0.05, 0.1, 0.5, 5, 50 })
        {
            histogram.Record(value);
        }

        var text = await _exporter.RenderAsync();

        Assert.Contains(
            "# TYPE latency_seconds histogram\n" +
            "latency_seconds_bucket{le=\"0.1\"} 2\n" +
            "latency_seconds_bucket{le=\"1\"} 3\n" +
            "latency_seconds_bucket{le=\"10\"} 4\n" +
            "latency_seconds_bucket{le=\"+Inf\"} 5\n" +
            "latency_seconds_sum 55.65\n" +
            "latency_seconds_count 5\n", text);
    }

    [Fact]
    public async Task Render_HistogramWithoutAdvice_UsesDefaultBuckets()
    {
        _meter.CreateHistogram<long>("size_bytes").Record(3);

        var text = await _exporter.RenderAsync();

        foreach (var bound in PrometheusExporterOptions.DefaultBuckets)
        {
            Assert.Contains($"size_bytes_bucket{{le=\"{bound.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"}} ", text);
        }

        Assert.Contains("size_bytes_bucket{le=\"+Inf\"} 1\n", text);
    }

    [Fact]
    public async Task Render_LabelValuesWithQuotesBackslashesNewlinesAndNonAscii_AreEscaped()
    {
        var counter = _meter.CreateCounter<long>("odd_total");
        counter.Add(1, new KeyValuePair<string, object?>("v", "a\"b\\c\nd é€"));

        var text = await _exporter.RenderAsync();

        Assert.Contains("odd_total{v=\"a\\\"b\\\\c\\nd é€\"} 1\n", text);
    }

    [Fact]
    public async Task Render_TagKeysThatSanitiseToOneName_KeepsOnlyTheFirst()
    {
        _meter.CreateCounter<long>("clash_total").Add(1, new("grpc.code", "OK"), new("grpc_code", "NotFound"));

        var text = await _exporter.RenderAsync();

        Assert.Contains("clash_total{grpc_code=\"OK\"} 1\n", text);
    }

    [Fact]
    public async Task Render_TagsInAnyOrder_FindTheSameSeries()
    {
        var counter = _meter.CreateCounter<long>("ordered_total");
        counter.Add(1, new("a", "1"), new("b", 2));
        counter.Add(1, new("b", "2"), new("a", 1));

        var text = await _exporter.RenderAsync();

        Assert.Contains("ordered_total{a=\"1\",b=\"2\"} 2\n", text);
    }

    [Fact]
    public async Task Render_EqualTagsFromDifferentStringInstancesAndBoxedNumbers_FindTheSameSeries()
    {
        var counter = _meter.CreateCounter<long>("instances_total");
        for (var i = 0; i < 3; i++)
        {
            // New string objects each time: the by-reference fast path misses, the content lookup finds the series.
            counter.Add(1, new KeyValuePair<string, object?>(new string("method".AsSpan()), string.Concat("Get", "Scores")));
            counter.Add(1, new KeyValuePair<string, object?>("method", "GetScores"));
            counter.Add(1, new KeyValuePair<string, object?>("code", 5));
            counter.Add(1, new KeyValuePair<string, object?>("code", "5"));
        }

        var text = await _exporter.RenderAsync();

        Assert.Contains("instances_total{method=\"GetScores\"} 6\n", text);
        Assert.Contains("instances_total{code=\"5\"} 6\n", text);
    }

    [Fact]
    public async Task Render_UpDownCounterAndObservableInstruments_RenderAsGaugesAndCounters()
    {
        var inFlight = _meter.CreateUpDownCounter<int>("in_flight");
        inFlight.Add(5);
        inFlight.Add(-2);
        _meter.CreateObservableGauge("temperature", () => new Measurement<double>(-1.25, new KeyValuePair<string, object?>("room", "a")));
        _meter.CreateObservableCounter("ticks", () => 42L);
        _meter.CreateObservableUpDownCounter("queue_depth", () => 7);
        var level = _meter.CreateGauge<double>("level");
        level.Record(3.5);
        level.Record(2);

        var text = await _exporter.RenderAsync();

        Assert.Contains("# TYPE in_flight gauge\nin_flight 3\n", text);
        Assert.Contains("# TYPE temperature gauge\ntemperature{room=\"a\"} -1.25\n", text);
        Assert.Contains("# TYPE ticks_total counter\nticks_total 42\n", text);
        Assert.Contains("# TYPE queue_depth gauge\nqueue_depth 7\n", text);
        Assert.Contains("# TYPE level gauge\nlevel 2\n", text);
    }

    [Fact]
    public async Task Render_ObservableSeriesThatStopsReporting_IsRemoved()
    {
        var rooms = new List<string> { "a", "b" };
        _meter.CreateObservableGauge("occupancy",
            () => rooms.Select(r => new Measurement<int>(1, new KeyValuePair<string, object?>("room", r))));

        var first = await _exporter.RenderAsync();
        rooms.Remove("a");
        var second = await _exporter.RenderAsync();

        Assert.Contains("occupancy{room=\"a\"} 1\n", first);
        Assert.DoesNotContain("occupancy{room=\"a\"}", second);
        Assert.Contains("occupancy{room=\"b\"} 1\n", second);
    }

    [Fact]
    public async Task Render_SpecialFloatValues_UsePrometheusSpelling()
    {
        _meter.CreateObservableGauge("special", () => new[]
        {
            new Measurement<double>(double.PositiveInfinity, new KeyValuePair<string, object?>("k", "pos")),
            new Measurement<double>(double.NegativeInfinity, new KeyValuePair<string, object?>("k", "neg")),
            new Measurement<double>(double.NaN, new KeyValuePair<string, object?>("k", "nan")),
        });

        var text = await _exporter.RenderAsync();

        Assert.Contains("special{k=\"pos\"} +Inf\n", text);
        Assert.Contains("special{k=\"neg\"} -Inf\n", text);
        Assert.Contains("special{k=\"nan\"} NaN\n", text);
    }

    [Fact]
    public async Task Render_ObservableCallbackThrows_OtherMetricsStillRenderAndErrorIsCounted()
    {
        _meter.CreateObservableGauge<int>("broken", new Func<int>(() => throw new InvalidOperationException("sensor gone")));
        _meter.CreateObservableGauge("healthy", () => 1);

        var text = await _exporter.RenderAsync();

        Assert.Contains("\nhealthy 1\n", text);
        Assert.Contains("scoring_metrics_observation_errors_total 1\n", text);
        Assert.DoesNotContain("\nbroken ", text);
    }

    [Fact]
    public async Task Render_MeterOutsidePrefixes_IsNotExported()
    {
        using var other = new Meter("Other.Test." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("invisible").Add(1);

        var text = await _exporter.RenderAsync();

        Assert.DoesNotContain("invisible", text);
    }

    [Fact]
    public async Task Record_BeyondMaxSeriesPerMetric_DropsAndCounts()
    {
        var options = new PrometheusExporterOptions { IncludeProcessMetrics = false, MaxSeriesPerMetric = 2 };
        options.MeterNamePrefixes.Clear();
        options.MeterNamePrefixes.Add(_meterName);
        using var exporter = new PrometheusExporter(options);
        var counter = _meter.CreateCounter<long>("capped_total");

        for (var i = 0; i < 5; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        var text = await exporter.RenderAsync();

        Assert.Contains("capped_total{id=\"0\"} 1\n", text);
        Assert.Contains("capped_total{id=\"1\"} 1\n", text);
        Assert.DoesNotContain("capped_total{id=\"2\"}", text);
        Assert.Contains("scoring_metrics_dropped_measurements_total 3\n", text);
    }

    [Fact]
    public async Task Record_ManyThreadsConcurrently_TotalsAreExact()
    {
        const int threads = 8;
        const int perThread = 50_000;
        var counter = _meter.CreateCounter<long>("concurrent_total");
        var doubles = _meter.CreateCounter<double>("concurrent_double_total");
        var histogram = _meter.CreateHistogram<double>("concurrent_seconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5] });
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var tag = new KeyValuePair<string, object?>("shard", t % 2);
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                counter.Add(1, tag);
                doubles.Add(0.5, tag);
                histogram.Record(i % 2, tag);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);

        var text = await _exporter.RenderAsync();

        const int perShard = threads / 2 * perThread;
        foreach (var shard in new[] { "0", "1" })
        {
            Assert.Contains($"concurrent_total{{shard=\"{shard}\"}} {perShard}\n", text);
            Assert.Contains($"concurrent_double_total{{shard=\"{shard}\"}} {perShard / 2}\n", text);
            Assert.Contains($"concurrent_seconds_bucket{{shard=\"{shard}\",le=\"0.5\"}} {perShard / 2}\n", text);
            Assert.Contains($"concurrent_seconds_count{{shard=\"{shard}\"}} {perShard}\n", text);
            Assert.Contains($"concurrent_seconds_sum{{shard=\"{shard}\"}} {perShard / 2}\n", text);
        }
    }

    [Theory]
    [InlineData("grpc_server_started", "grpc_server_started")]
    [InlineData("scoring.requests-count", "scoring_requests_count")]
    [InlineData("a:b", "a:b")]
    [InlineData("9lives", "_9lives")]
    [InlineData("naïve", "na_ve")]
    [InlineData("", "_")]
    public void SanitizeMetricName_WithVariousNames_ReturnsPrometheusName(string input, string expected) =>
        Assert.Equal(expected, PrometheusText.SanitizeMetricName(input));

    [Theory]
    [InlineData("a:b", "a_b")]
    [InlineData("grpc.code", "grpc_code")]
    public void SanitizeLabelName_WithVariousNames_ReturnsPrometheusName(string input, string expected) =>
        Assert.Equal(expected, PrometheusText.SanitizeLabelName(input));

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e21, "1E+21")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void AppendValue_WithVariousDoubles_WritesGoParsableText(double value, string expected)
    {
        var builder = new StringBuilder();
        PrometheusText.AppendValue(builder, value);
        Assert.Equal(expected, builder.ToString());
    }

    [Fact]
    public void Constructor_WithUnsortedDefaultBuckets_ThrowsNamingTheField()
    {
        var options = new PrometheusExporterOptions { DefaultHistogramBuckets = [1, 0.5] };

        var error = Assert.Throws<ArgumentException>(() => new PrometheusExporter(options));

        Assert.Equal(nameof(PrometheusExporterOptions.DefaultHistogramBuckets), error.ParamName);
    }

    [Fact]
    public void Constructor_WithNoPrefixes_ThrowsNamingTheField()
    {
        var options = new PrometheusExporterOptions();
        options.MeterNamePrefixes.Clear();

        var error = Assert.Throws<ArgumentException>(() => new PrometheusExporter(options));

        Assert.Equal(nameof(PrometheusExporterOptions.MeterNamePrefixes), error.ParamName);
    }
}
