using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scoring.Transport.Metrics;

namespace Scoring.Transport.Tests.Metrics;

/// <summary>A real Kestrel app serving /metrics over HTTP/1.1, scraped by HttpClient and checked by promtool.</summary>
public sealed class PrometheusEndpointTests : IAsyncLifetime
{
    private readonly string _meterName = "Scoring.EndpointTest." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _app;
    private int _metricsPort;
    private int _otherPort;

    public PrometheusEndpointTests() => _meter = new Meter(_meterName);

    public async Task InitializeAsync()
    {
        _metricsPort = FreePort();
        _otherPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRouting();
        builder.Services.AddPrometheusMetrics(o =>
        {
            o.MeterNamePrefixes.Clear();
            o.MeterNamePrefixes.Add(_meterName);
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenMetrics(new IPEndPoint(IPAddress.Loopback, _metricsPort));
            k.Listen(IPAddress.Loopback, _otherPort);
        });
        _app = builder.Build();
        _app.MapPrometheusMetrics(_metricsPort);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public async Task Scrape_AfterRecording_ServesTextFormatWithValuesOverHttp11()
    {
        RecordSample();

        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_metricsPort}/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("scoring_calls_total{code=\"OK\",path=\"C:\\\\tmp\\\\\\\"x\\\"\\nnext ü\"} 3\n", text);
        Assert.Contains("scoring_call_seconds_bucket{code=\"OK\",le=\"0.01\"} 1\n", text);
        Assert.Contains("scoring_call_seconds_bucket{code=\"OK\",le=\"+Inf\"} 2\n", text);
        Assert.Contains("scoring_queue_length{queue=\"a\"} 4\n", text);
        Assert.Contains("\nprocess_resident_memory_bytes ", text);
        Assert.Contains("\nprocess_open_fds ", text);
        Assert.Contains("\nprocess_max_fds ", text);
        Assert.Contains("\ndotnet_collection_count_total{generation=\"0\"} ", text);
        Assert.Contains("\n# TYPE dotnet_gc_pause_seconds_total counter\ndotnet_gc_pause_seconds_total ", text);
        Assert.Contains("\ndotnet_threadpool_queue_length ", text);
    }

    [Fact]
    public async Task Scrape_CheckedByPromtool_PassesWithoutLintComplaints()
    {
        RecordSample();
        var text = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_metricsPort}/metrics"));

        var start = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(start)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await promtool.WaitForExitAsync(timeout.Token);

        var complaints = (await stdout) + (await stderr);
        Assert.True(promtool.ExitCode == 0 && complaints.Trim().Length == 0,
            $"promtool exit {promtool.ExitCode}: {complaints}\n--- scrape ---\n{text}");
    }

    [Fact]
    public async Task Scrape_OnAnotherPort_IsNotFound()
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_otherPort}/metrics"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void MapPrometheusMetrics_WithoutAddPrometheusMetrics_ThrowsSayingWhatToCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRouting();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapPrometheusMetrics(9464));

        Assert.Contains("AddPrometheusMetrics", error.Message, StringComparison.Ordinal);
    }

    private void RecordSample()
    {
        var calls = _meter.CreateCounter<long>("scoring_calls", description: "Calls by outcome.");
        var seconds = _meter.CreateHistogram<double>("scoring_call_seconds", unit: "s",
            description: "Call latency in seconds.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1] });
        _meter.CreateObservableGauge("scoring_queue_length",
            () => new Measurement<int>(4, new KeyValuePair<string, object?>("queue", "a")), description: "Queue length.");
        KeyValuePair<string, object?>[] tags = [new("code", "OK"), new("path", "C:\\tmp\\\"x\"\nnext ü")];

        calls.Add(1, tags);
        calls.Add(2, tags);
        seconds.Record(0.005, new KeyValuePair<string, object?>("code", "OK"));
        seconds.Record(7, new KeyValuePair<string, object?>("code", "OK"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
