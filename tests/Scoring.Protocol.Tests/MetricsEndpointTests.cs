using System.Net;
using Scoring.V1;
using static Scoring.Protocol.Tests.RawHttp2Tests;

namespace Scoring.Protocol.Tests;

/// <summary>
/// /metrics of the real service: Prometheus text exposition format on its own port only, clean
/// for promtool, with the gRPC ecosystem's grpc_server_* series and the process/runtime series.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class MetricsEndpointTests(ServiceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly GrpcWire _wire = new(fixture.Service.GrpcAddress);

    public void Dispose()
    {
        _http.Dispose();
        _wire.Dispose();
    }

    /// <summary>One OK and one NOT_FOUND GetScores, so both series exist whatever ran before.</summary>
    private async Task CallGetScoresAsync()
    {
        Assert.Equal("0", (await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()))).GrpcStatus);
        Assert.Equal("5", (await _wire.PostAsync(GetScores, GrpcWire.Frame(new GetScoresRequest { CustomerId = "nobody-metrics", Channel = Channel.Web }))).GrpcStatus);
    }

    [Fact]
    public async Task Scrape_OnMetricsPort_ServesTextFormatWithGrpcAndRuntimeSeries()
    {
        await CallGetScoresAsync();

        using var response = await _http.GetAsync(new Uri(fixture.Service.MetricsAddress, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        // Text format 0.0.4 (Prometheus exposition formats).
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(MetricsText.Value(text, MetricsText.Started("unary", "scoring.v1.Scoring", "GetScores")) >= 2, text);
        Assert.True(MetricsText.Value(text, MetricsText.Handled("unary", "scoring.v1.Scoring", "GetScores", "OK")) >= 1, text);
        Assert.True(MetricsText.Value(text, MetricsText.Handled("unary", "scoring.v1.Scoring", "GetScores", "NotFound")) >= 1, text);
        Assert.Contains("\ngrpc_server_handling_seconds_bucket{grpc_code=\"OK\",grpc_method=\"GetScores\",grpc_service=\"scoring.v1.Scoring\",grpc_type=\"unary\",le=\"+Inf\"} ", text, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE grpc_server_handling_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("\nprocess_resident_memory_bytes ", text, StringComparison.Ordinal);
        Assert.Contains("\nprocess_open_fds ", text, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE dotnet_gc_pause_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_gc_pause_seconds_total ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_CheckedByPromtool_PassesWithoutLintComplaints()
    {
        await CallGetScoresAsync();
        var text = await MetricsText.ScrapeAsync(fixture.Service);

        var r = await Tools.RunAsync("/usr/bin/promtool", ["check", "metrics"], stdin: text);

        var complaints = r.Stdout + r.Stderr;
        Assert.True(r.ExitCode == 0 && complaints.Trim().Length == 0, $"promtool exit {r.ExitCode}: {complaints}\n--- scrape ---\n{text}");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/metricsx")]
    [InlineData("/v1/customers/" + ServiceFixture.CustomerId + "/scores?channel=CHANNEL_WEB")]
    public async Task MetricsPort_OtherPaths_AreNotFound(string path)
    {
        using var response = await _http.GetAsync(new Uri(fixture.Service.MetricsAddress, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MetricsPort_GrpcWebCall_IsNotServed()
    {
        var (status, _, _) = await Tools.CurlAsync("POST", new Uri(fixture.Service.MetricsAddress, GetScores),
            "application/grpc-web+proto", GrpcWire.Frame(Seeded()), "X-Grpc-Web: 1");

        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Metrics_OnTheHttpPort_IsNotFound()
    {
        using var response = await _http.GetAsync(new Uri(fixture.Service.HttpAddress, "/metrics"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_OnTheGrpcPort_IsNotFound()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Service.GrpcAddress, "/metrics"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var h2c = new HttpClient();
        using var response = await h2c.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task UnknownMethodCalls_AreCountedUnderUnknown_NeverUnderTheInventedName()
    {
        var started = MetricsText.Started("unary", "unknown", "unknown");
        var handled = MetricsText.Handled("unary", "unknown", "unknown", "Unimplemented");
        var before = await MetricsText.ScrapeAsync(fixture.Service);

        Assert.Equal("12", (await _wire.PostAsync("/scoring.v1.Scoring/InventedMethodXyz", GrpcWire.Frame(Seeded()))).GrpcStatus);
        Assert.Equal("12", (await _wire.PostAsync("/invented.ServiceXyz/Method", GrpcWire.Frame(Seeded()))).GrpcStatus);

        var after = await MetricsText.WaitForAsync(fixture.Service, handled, MetricsText.Value(before, handled) + 2);
        Assert.Equal(MetricsText.Value(before, started) + 2, MetricsText.Value(after, started));
        Assert.Equal(MetricsText.Value(before, handled) + 2, MetricsText.Value(after, handled));
        Assert.DoesNotContain("Xyz", after, StringComparison.Ordinal);
    }
}
