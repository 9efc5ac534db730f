using System.Text.Json;
using Scoring.Testing;

namespace Scoring.Transport.Tests;

/// <summary>Runs the python grpcio client script once against the real server.</summary>
public sealed class GrpcioClientRun : IAsyncLifetime
{
    public EchoServerFixture Server { get; } = new();

    public JsonElement Results { get; private set; }

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var output = await PythonRunner.RunAsync(
            PythonProtos.Script("grpcio_client.py"),
            [$"{Server.H2cAddress.Host}:{Server.H2cAddress.Port}"],
            TimeSpan.FromMinutes(2),
            await PythonProtos.EnvironmentAsync());
        Results = JsonDocument.Parse(output).RootElement;
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// python grpcio, an independent implementation, as the client of our server: each item of
/// GRPC.md that a client can observe.
/// </summary>
public sealed class GrpcioClientConformanceTests(GrpcioClientRun run) : IClassFixture<GrpcioClientRun>
{
    private JsonElement Result(string name)
    {
        var element = run.Results.GetProperty(name);
        Assert.False(element.TryGetProperty("unexpected", out var unexpected), $"{name}: {unexpected}");
        return element;
    }

    [Fact]
    public void Unary_FromGrpcio_RoundTripsUtf8Message() =>
        Assert.Equal("héllo", Result("unary").GetProperty("message").GetString());

    [Fact]
    public void ClientStreaming_FromGrpcio_SumsAllMessages()
    {
        var r = Result("client_stream");
        Assert.Equal(55, r.GetProperty("sum").GetInt64());
        Assert.Equal(10, r.GetProperty("count").GetInt32());
    }

    [Fact]
    public void ServerStreaming_FromGrpcio_ReceivesEveryMessageInOrder() =>
        Assert.Equal([0, 1, 2, 3, 4], Result("server_stream").GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));

    [Fact]
    public void Bidi_FromGrpcio_EchoesEachMessage() =>
        Assert.Equal(["echo:a", "echo:b", "echo:c"], Result("bidi").GetProperty("replies").EnumerateArray().Select(v => v.GetString()));

    [Fact]
    public void Deadline_FromGrpcio_IsDeadlineExceededWellBeforeTheHandlerEnds()
    {
        var r = Result("deadline");
        Assert.Equal("DEADLINE_EXCEEDED", r.GetProperty("code").GetString());
        Assert.True(r.GetProperty("seconds").GetDouble() < 4.5);
    }

    [Fact]
    public async Task Cancel_FromGrpcio_CancelsTheHandlersToken()
    {
        var r = Result("cancel");
        Assert.Equal("CANCELLED", r.GetProperty("code").GetString());
        Assert.True(r.GetProperty("waited").GetDouble() < 20, "the call never reached its handler");
        await run.Server.CancelObserved.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void OversizedMessage_FromGrpcio_IsResourceExhausted() =>
        Assert.Equal("RESOURCE_EXHAUSTED", Result("oversized").GetProperty("code").GetString());

    [Fact]
    public void UnknownMethodAndService_FromGrpcio_AreUnimplemented()
    {
        var r = Result("unknown");
        Assert.Equal("UNIMPLEMENTED", r.GetProperty("method").GetString());
        Assert.Equal("UNIMPLEMENTED", r.GetProperty("service").GetString());
    }

    [Fact]
    public void Gzip_FromGrpcio_IsDecompressedAndAnsweredCompressed()
    {
        var r = Result("gzip");
        Assert.Equal(5000, r.GetProperty("length").GetInt32());
        Assert.Equal("gzip", r.GetProperty("request_encoding").GetString());
    }

    [Fact]
    public void Metadata_FromGrpcio_RoundTripsTextAndBinary()
    {
        var r = Result("metadata");
        var echoed = r.GetProperty("echoed");
        Assert.Equal("value-1", echoed.GetProperty("x-custom").GetString());
        Assert.Equal("0001FEFF", echoed.GetProperty("x-data-bin").GetString());
        Assert.Equal("h", r.GetProperty("initial").GetProperty("x-header").GetString());
        Assert.Equal("010203", r.GetProperty("initial").GetProperty("x-header-bin").GetString());
        Assert.Equal("t", r.GetProperty("trailing").GetProperty("x-trailer").GetString());
        Assert.Equal("ff00", r.GetProperty("trailing").GetProperty("x-trailer-bin").GetString());
    }

    [Fact]
    public void ErrorStatus_WithNonAsciiMessage_IsDecodedByGrpcio()
    {
        var r = Result("error_status");
        Assert.Equal("FAILED_PRECONDITION", r.GetProperty("code").GetString());
        Assert.Equal("Kunde nicht bereit: Größe ✓ 100%", r.GetProperty("details").GetString());
        Assert.Equal("yes", r.GetProperty("x-failure").GetString());
    }

    [Fact]
    public void HandlerException_FromGrpcio_IsInternalWithoutDetails()
    {
        var r = Result("throw");
        Assert.Equal("INTERNAL", r.GetProperty("code").GetString());
        Assert.DoesNotContain("secret", r.GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrentCalls_FromGrpcio_AllMatchTheirRequests() =>
        Assert.Equal(0, Result("concurrent").GetProperty("errors").GetInt32());
}
