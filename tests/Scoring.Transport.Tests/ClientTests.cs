using System.Diagnostics;
using Google.Protobuf;
using Scoring.Testing;
using Scoring.Testing.V1;
using Scoring.Transport.Client;

namespace Scoring.Transport.Tests;

/// <summary>Our C# client against our server (h2c and TLS).</summary>
[Collection(EchoServerCollection.Name)]
public sealed class ClientTests(EchoServerFixture server) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(server.H2cAddress);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task UnaryAsync_OverH2c_ReturnsReply()
    {
        var reply = await _channel.UnaryAsync<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Unary", new EchoRequest { Message = "ping" });
        Assert.Equal("ping", reply.Message);
    }

    [Fact]
    public async Task UnaryAsync_OverTls_WithTrustedSelfSignedCertificate_ReturnsReply()
    {
        using var tls = GrpcChannel.ForAddress(server.TlsAddress, new GrpcChannelOptions
        {
            ServerCertificateValidation = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == server.Certificate.GetCertHashString(),
        });
        var reply = await tls.UnaryAsync<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Unary", new EchoRequest { Message = "secure" });
        Assert.Equal("secure", reply.Message);
    }

    [Fact]
    public async Task UnaryAsync_OverTls_WithUntrustedCertificate_IsUnavailable()
    {
        using var tls = GrpcChannel.ForAddress(server.TlsAddress);
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            tls.UnaryAsync<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Unary", new EchoRequest()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryAsync_WithGzipRequestCompression_IsAccepted()
    {
        using var gzip = GrpcChannel.ForAddress(server.H2cAddress, new GrpcChannelOptions { RequestCompression = "gzip" });
        var reply = await gzip.UnaryAsync<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Unary", new EchoRequest { Message = new string('q', 4000) });
        Assert.Equal(4000, reply.Message.Length);
        Assert.Equal("gzip", reply.Headers["request-encoding"]);
    }

    [Fact]
    public async Task ClientStreaming_SendsAllMessages_ReturnsSum()
    {
        using var call = _channel.ClientStreaming<Number, SumReply>("/scoring.testing.v1.Echo/Sum");
        for (var i = 1; i <= 100; i++)
        {
            await call.RequestStream.WriteAsync(new Number { Value = i });
        }
        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;
        Assert.Equal(5050, reply.Sum);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_ReadsAllMessages_ThenOkStatus()
    {
        using var call = _channel.ServerStreaming<CountRequest, Number>("/scoring.testing.v1.Echo/Count", new CountRequest { N = 50 });
        var values = new List<long>();
        await foreach (var n in call.ResponseStream.ReadAllAsync())
        {
            values.Add(n.Value);
        }
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), values);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_MessagesArriveAsTheyAreWritten()
    {
        // Each message is flushed: the first arrives long before the last is written.
        using var call = _channel.ServerStreaming<CountRequest, Number>("/scoring.testing.v1.Echo/Count", new CountRequest { N = 3, DelayMs = 1000 });
        var watch = Stopwatch.StartNew();
        Assert.True(await call.ResponseStream.MoveNext());
        var first = watch.Elapsed;
        while (await call.ResponseStream.MoveNext())
        {
        }
        Assert.True(watch.Elapsed - first > TimeSpan.FromSeconds(1.5), "later messages must arrive later");
    }

    [Fact]
    public async Task DuplexStreaming_InterleavesRequestsAndReplies()
    {
        using var call = _channel.DuplexStreaming<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Chat");
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = "m" + i });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal("echo:m" + i, call.ResponseStream.Current.Message);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task UnaryAsync_PastDeadline_ThrowsDeadlineExceeded()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoReply>(
            "/scoring.testing.v1.Echo/IgnoreDeadline", new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300))));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryAsync_Cancelled_ThrowsCancelledAndCancelsTheHandler()
    {
        server.ResetCancelObserved();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoReply>(
            "/scoring.testing.v1.Echo/WaitForCancel", new EchoRequest(), new CallOptions(CancellationToken: cts.Token)));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await server.CancelObserved.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task UnaryAsync_ServerError_ThrowsWithStatusAndTrailers()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<StatusRequest, EchoReply>(
            "/scoring.testing.v1.Echo/Fail", new StatusRequest { Code = 3, Message = "customer_id: must not be empty — ü" }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("customer_id: must not be empty — ü", ex.Status.Detail);
        Assert.Equal("yes", ex.Trailers.GetValue("x-failure"));
    }

    [Fact]
    public async Task UnaryAsync_UnknownMethod_ThrowsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Missing", new EchoRequest()));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryAsync_ToClosedPort_ThrowsUnavailable()
    {
        using var nowhere = GrpcChannel.ForAddress($"http://127.0.0.1:{TestPorts.GetFreeTcpPort()}");
        var ex = await Assert.ThrowsAsync<RpcException>(() => nowhere.UnaryAsync<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Unary", new EchoRequest()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Metadata_RoundTripsHeadersAndTrailers()
    {
        using var call = _channel.ServerStreaming<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Metadata", new EchoRequest(),
            new CallOptions(Headers: new Metadata().Add("x-agent", "desk-7").Add("x-trace-bin", [9, 8, 7])));
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("h", headers.GetValue("x-header"));
        Assert.Equal([1, 2, 3], headers.GetValueBytes("x-header-bin"));
        Assert.True(await call.ResponseStream.MoveNext());
        var reply = call.ResponseStream.Current;
        Assert.Equal("desk-7", reply.Headers["x-agent"]);
        Assert.Equal("090807", reply.Headers["x-trace-bin"]);
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal("t", call.GetTrailers().GetValue("x-trailer"));
        Assert.Equal([0xff, 0x00], call.GetTrailers().GetValueBytes("x-trailer-bin"));
    }

    [Fact]
    public async Task UnaryAsync_ReplyOverClientReceiveLimit_ThrowsResourceExhausted()
    {
        using var small = GrpcChannel.ForAddress(server.H2cAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        var ex = await Assert.ThrowsAsync<RpcException>(() => small.UnaryAsync<EchoRequest, EchoReply>(
            "/scoring.testing.v1.Echo/Unary", new EchoRequest { ReplyPayloadSize = 5000 }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void Unary_RequestOverClientSendLimit_ThrowsResourceExhaustedBeforeSending()
    {
        using var small = GrpcChannel.ForAddress(server.H2cAddress, new GrpcChannelOptions { MaxSendMessageSize = 10 });
        var ex = Assert.Throws<RpcException>(() => small.UnaryAsync<EchoRequest, EchoReply>(
            "/scoring.testing.v1.Echo/Unary", new EchoRequest { Payload = ByteString.CopyFrom(new byte[100]) }).GetAwaiter().GetResult());
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}

/// <summary>Our C# client against a python grpcio server: the client proven against an independent peer.</summary>
public sealed class ClientAgainstGrpcioServerTests : IAsyncLifetime
{
    private Process? _python;
    private GrpcChannel? _channel;

    public async Task InitializeAsync()
    {
        _python = PythonRunner.Start(PythonProtos.Script("grpcio_server.py"), [], await PythonProtos.EnvironmentAsync());
        var line = await _python.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(line);
        Assert.StartsWith("PORT ", line, StringComparison.Ordinal);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{line[5..]}");
    }

    public Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_python is { HasExited: false })
        {
            _python.Kill(entireProcessTree: true);
        }
        _python?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Unary_ToGrpcioServer_CarriesMetadataBothWays()
    {
        using var call = _channel!.ServerStreaming<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Unary", new EchoRequest { Message = "über" },
            new CallOptions(Headers: new Metadata().Add("x-caller", "cs").Add("x-raw-bin", [0, 255])));
        Assert.Equal("h", (await call.ResponseHeadersAsync).GetValue("x-py-header"));
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("über", call.ResponseStream.Current.Message);
        Assert.Equal("cs", call.ResponseStream.Current.Headers["x-caller"]);
        Assert.Equal("00ff", call.ResponseStream.Current.Headers["x-raw-bin"]);
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal("t", call.GetTrailers().GetValue("x-py-trailer"));
        Assert.Equal([1, 2], call.GetTrailers().GetValueBytes("x-py-trailer-bin"));
    }

    [Fact]
    public async Task ClientStreaming_ToGrpcioServer_ReturnsSum()
    {
        using var call = _channel!.ClientStreaming<Number, SumReply>("/scoring.testing.v1.Echo/Sum");
        for (var i = 1; i <= 10; i++)
        {
            await call.RequestStream.WriteAsync(new Number { Value = i });
        }
        await call.RequestStream.CompleteAsync();
        Assert.Equal(55, (await call.ResponseAsync).Sum);
    }

    [Fact]
    public async Task ServerStreaming_FromGrpcioServer_ReadsAll()
    {
        using var call = _channel!.ServerStreaming<CountRequest, Number>("/scoring.testing.v1.Echo/Count", new CountRequest { N = 20 });
        var count = 0;
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
            count++;
        }
        Assert.Equal(20, count);
    }

    [Fact]
    public async Task Duplex_WithGrpcioServer_EchoesInOrder()
    {
        using var call = _channel!.DuplexStreaming<EchoRequest, EchoReply>("/scoring.testing.v1.Echo/Chat");
        foreach (var m in new[] { "x", "y", "z" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = m });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal("echo:" + m, call.ResponseStream.Current.Message);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task ErrorFromGrpcioServer_BecomesRpcExceptionWithDecodedMessage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel!.UnaryAsync<StatusRequest, EchoReply>(
            "/scoring.testing.v1.Echo/Fail", new StatusRequest { Code = 5, Message = "kein Kunde: Größe" }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("kein Kunde: Größe", ex.Status.Detail);
    }

    [Fact]
    public async Task Deadline_AgainstGrpcioServer_IsDeadlineExceeded()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel!.UnaryAsync<EchoRequest, EchoReply>(
            "/scoring.testing.v1.Echo/IgnoreDeadline", new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300))));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task OversizedRequest_ToGrpcioServer_IsResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel!.UnaryAsync<EchoRequest, EchoReply>(
            "/scoring.testing.v1.Echo/Unary", new EchoRequest { Payload = ByteString.CopyFrom(new byte[2 * 1024 * 1024]) }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}
