using Scoring.Testing;
using System.Text.Json;
using Scoring.V1;

namespace Scoring.Protocol.Tests;

/// <summary>
/// python grpcio, an implementation that shares no code with ours, calling the real service:
/// every behaviour a client observes. One script run (Python/grpcio_client.py) serves all tests.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class GrpcioClientTests(ServiceFixture fixture)
{
    private const string CorruptCustomer = "grpcio-corrupt";

    private static readonly string WatchCanceled = MetricsText.Handled("server_stream", "scoring.v1.Scoring", "WatchRisk", "Canceled");

    private sealed record Run(JsonElement Results, double CanceledBefore);

    private Task<Run> RunAsync() => fixture.OnceAsync("grpcio_client", async () =>
    {
        // A stored value that cannot be decoded: GetScores throws inside the handler.
        await using (var mux = await RedisConnections.ConnectAsync(fixture.Redis.Endpoint))
        {
            await mux.GetDatabase().StringSetAsync("cust:{" + CorruptCustomer + "}", "x");
        }
        var before = await MetricsText.ValueAsync(fixture.Service, WatchCanceled);
        var results = await PythonClients.RunJsonAsync("grpcio_client.py",
            [fixture.Service.GrpcTarget, fixture.Redis.Endpoint, ServiceFixture.CustomerId, CorruptCustomer],
            await PythonClients.ScoringEnvironmentAsync());
        return new Run(results, before);
    });

    private async Task<JsonElement> Result(string name)
    {
        var element = (await RunAsync()).Results.GetProperty(name);
        Assert.False(element.TryGetProperty("unexpected", out var unexpected), $"{name}: {unexpected}");
        return element;
    }

    [Fact]
    public async Task GetScores_FromGrpcio_ReturnsTheSeededCustomer()
    {
        var r = await Result("unary");
        Assert.Equal(ServiceFixture.CustomerId, r.GetProperty("customer_id").GetString());
        Assert.StartsWith("RISK_BAND_", r.GetProperty("band").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestEvents_FromGrpcioClientStream_AppliesEveryEvent()
    {
        var r = await Result("client_stream");
        Assert.Equal(10, r.GetProperty("received").GetInt32());
        Assert.Equal(10, r.GetProperty("applied").GetInt32());
    }

    [Fact]
    public async Task WatchRisk_FromGrpcioServerStream_SendsTheInitialSnapshot()
    {
        var r = await Result("server_stream");
        Assert.True(r.GetProperty("initial").GetBoolean(), r.ToString());
        Assert.Equal(2, r.GetProperty("customers").GetArrayLength());
        Assert.Contains(ServiceFixture.CustomerId, r.GetProperty("customers").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task WatchRisk_CancelledByGrpcio_EndsTheHandlerCancelled()
    {
        var r = await Result("server_stream");
        Assert.Equal("CANCELLED", r.GetProperty("code").GetString());

        // Seen from the server: the handler ended, counted under Canceled (waits for it, bounded).
        var before = (await RunAsync()).CanceledBefore;
        var text = await MetricsText.WaitForAsync(fixture.Service, WatchCanceled, before + 1);
        Assert.True(MetricsText.Value(text, WatchCanceled) >= before + 1, "the WatchRisk handler never ended Canceled");
    }

    [Fact]
    public async Task GetScores_FromGrpcioWithDeadlineAndSlowRedis_EndsDeadlineExceededOrUnavailable()
    {
        var r = await Result("deadline");
        Assert.Contains(r.GetProperty("code").GetString(), new[] { "DEADLINE_EXCEEDED", "UNAVAILABLE" });
        Assert.Equal("+OK", r.GetProperty("redis").GetString());
    }

    [Fact]
    public async Task GetScores_OversizedRequestFromGrpcio_IsResourceExhausted() =>
        Assert.Equal("RESOURCE_EXHAUSTED", (await Result("oversized")).GetProperty("code").GetString());

    [Fact]
    public async Task UnknownMethodAndService_FromGrpcio_AreUnimplemented()
    {
        var r = await Result("unknown");
        Assert.Equal("UNIMPLEMENTED", r.GetProperty("method").GetString());
        Assert.Equal("UNIMPLEMENTED", r.GetProperty("service").GetString());
    }

    [Fact]
    public async Task GetScores_GzipCompressedByGrpcio_IsAnswered()
    {
        var r = await Result("gzip");
        Assert.Equal("OK", r.GetProperty("code").GetString());
        Assert.Equal(ServiceFixture.CustomerId, r.GetProperty("customer_id").GetString());
    }

    [Fact]
    public async Task GetScores_WithCustomTextAndBinaryMetadataFromGrpcio_Succeeds()
    {
        var r = await Result("metadata");
        Assert.Equal(ServiceFixture.CustomerId, r.GetProperty("customer_id").GetString());
    }

    [Fact]
    public async Task ErrorStatus_FromService_IsDecodedByGrpcio()
    {
        var r = await Result("error_status");
        var notFound = r.GetProperty("not_found");
        Assert.Equal("NOT_FOUND", notFound.GetProperty("code").GetString());
        Assert.Equal("customer_id: no profile or events for customer 'grpcio-nobody_1'.", notFound.GetProperty("details").GetString());

        // Customer ids are ASCII ([A-Za-z0-9_-]); a non-ASCII one is refused without being echoed.
        var invalid = r.GetProperty("invalid");
        Assert.Equal("INVALID_ARGUMENT", invalid.GetProperty("code").GetString());
        Assert.Equal("customer_id: customer_id may contain only A-Z, a-z, 0-9, '_' and '-'.", invalid.GetProperty("details").GetString());
    }

    [Fact]
    public async Task HandlerException_FromGrpcio_IsUnknownWithoutDetails()
    {
        var r = await Result("throw");
        Assert.Equal("UNKNOWN", r.GetProperty("code").GetString());
        Assert.Equal("Exception was thrown by handler.", r.GetProperty("details").GetString());
    }

    [Fact]
    public async Task ConcurrentCalls_FromGrpcio_AllMatchTheirRequests() =>
        Assert.Equal(0, (await Result("concurrent")).GetProperty("errors").GetArrayLength());
}
