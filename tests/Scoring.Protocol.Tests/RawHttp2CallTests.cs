using Scoring.Testing;
using Scoring.V1;
using static Scoring.Protocol.Tests.RawHttp2Tests;

namespace Scoring.Protocol.Tests;

/// <summary>
/// Hand-made gRPC requests, continued: compression (grpc-encoding), failures inside the
/// service, and grpc-timeout, each followed by a well-formed call that must still succeed.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class RawHttp2CallTests(ServiceFixture fixture) : IDisposable
{
    private readonly GrpcWire _wire = new(fixture.Service.GrpcAddress);

    public void Dispose() => _wire.Dispose();

    [Fact]
    public async Task GetScores_WithInvalidCompressedFlag_ReturnsUnknown()
    {
        // The compressed flag is 0 or 1 (PROTOCOL-HTTP2, Length-Prefixed-Message).
        // Grpc.AspNetCore throws InvalidDataException while reading the message, which it answers as
        // any unhandled exception: UNKNOWN with the generic message (the old transport said INTERNAL).
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded(), flag: 2));

        Assert.Equal("2", r.GrpcStatus);
        Assert.Equal("Exception was thrown by handler.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_CompressedFlagWithoutEncoding_ReturnsInternal()
    {
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded(), flag: 1));

        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Request did not include grpc-encoding value with compressed message.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithUnsupportedEncoding_ReturnsUnimplementedAndAcceptEncoding()
    {
        // "If a client message is compressed by an algorithm that is not supported by a server,
        // the message will result in an UNIMPLEMENTED error status on the server. The server will
        // then include a grpc-accept-encoding response header" (gRPC compression spec).
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded(), flag: 1), ("grpc-encoding", "snappy"));

        Assert.Equal("12", r.GrpcStatus);
        Assert.Equal("Unsupported grpc-encoding value 'snappy'. Supported encodings: identity, gzip, deflate", r.GrpcMessage);
        Assert.Equal("identity,gzip,deflate", r.Headers.GetValueOrDefault("grpc-accept-encoding"));
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithGzipRequest_IsDecompressedAndAnsweredUncompressedByDefault()
    {
        // Grpc:ResponseCompressionAlgorithm is unset by default: the reply is identity even when
        // the caller accepts gzip (a message "MAY" be compressed, never must).
        var body = GrpcWire.Frame(GrpcWire.Gzip(Google.Protobuf.MessageExtensions.ToByteArray(Seeded())), flag: 1);

        var r = await _wire.PostAsync(GetScores, body, ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip"));

        Assert.True(r.GrpcStatus == "0", r.ToString());
        Assert.Equal(0, r.Body[0]);
        Assert.Equal(ServiceFixture.CustomerId, r.Message(CustomerScores.Parser).CustomerId);
    }

    [Fact]
    public async Task GetScores_WithGzipRequestAndAcceptGzip_WhenResponseCompressionConfigured_AnswersGzip()
    {
        await using var gzipService = await ServiceHost.StartAsync(fixture.Redis.Endpoint,
            new Dictionary<string, string?> { ["Grpc:ResponseCompressionAlgorithm"] = "gzip" });
        using var wire = new GrpcWire(gzipService.GrpcAddress);
        var body = GrpcWire.Frame(GrpcWire.Gzip(Google.Protobuf.MessageExtensions.ToByteArray(Seeded())), flag: 1);

        var r = await wire.PostAsync(GetScores, body, ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip"));

        Assert.True(r.GrpcStatus == "0", r.ToString());
        Assert.Equal("gzip", r.Headers["grpc-encoding"]);
        Assert.Equal(1, r.Body[0]);
        var reply = CustomerScores.Parser.ParseFrom(GrpcWire.Gunzip(r.Body.AsSpan(5)));
        Assert.Equal(ServiceFixture.CustomerId, reply.CustomerId);
    }

    [Fact]
    public async Task GetScores_WithResponseOverConfiguredSendLimit_ReturnsResourceExhausted()
    {
        // Grpc:MaxSendMessageSize is unset by default; configured, a larger reply is refused.
        await using var limited = await ServiceHost.StartAsync(fixture.Redis.Endpoint,
            new Dictionary<string, string?> { ["Grpc:MaxSendMessageSize"] = "16" });
        using var wire = new GrpcWire(limited.GrpcAddress);

        var r = await wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()));

        Assert.Equal("8", r.GrpcStatus);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_HandlerThrowingUnexpectedException_ReturnsGenericMessageWithoutDetails()
    {
        // A stored value too short to decode makes the handler throw InvalidDataException.
        const string customer = "corrupt-customer";
        await using (var mux = await RedisConnections.ConnectAsync(fixture.Redis.Endpoint))
        {
            Assert.True(await mux.GetDatabase().StringSetAsync("cust:{" + customer + "}", "x"));
        }

        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(new GetScoresRequest { CustomerId = customer, Channel = Channel.Web }));

        // Grpc.AspNetCore answers an unhandled exception UNKNOWN (2), with EnableDetailedErrors off no exception text.
        Assert.Equal("2", r.GrpcStatus);
        Assert.Equal("Exception was thrown by handler.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_UnknownCustomer_ReturnsNotFoundNamingTheId()
    {
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(new GetScoresRequest { CustomerId = "nobody-here", Channel = Channel.Web }));

        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("5", r.GrpcStatus);
        Assert.Equal("customer_id: no profile or events for customer 'nobody-here'.", r.GrpcMessage);
    }

    [Fact]
    public async Task GetScores_WithGrpcTimeoutAndSlowRedis_EndsDeadlineExceededOrUnavailable()
    {
        // ScoringService.StoreDeadline gives up on the store shortly before the caller's deadline
        // (UNAVAILABLE); the library's own deadline gives DEADLINE_EXCEEDED. Either is a promise kept.
        RawResponse r;
        var attempt = 0;
        do
        {
            // Should the read reach Redis before the sleep began (an OK answer), sleep again.
            var sleeping = await RedisConnections.SleepAsync(fixture.Redis.Endpoint, TimeSpan.FromSeconds(2));
            r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()), ("grpc-timeout", "300m"));
            await sleeping.WaitAsync(TimeSpan.FromSeconds(30));
        }
        while (r.GrpcStatus == "0" && ++attempt < 3);

        Assert.True(r.GrpcStatus is "4" or "14", r.ToString());
        await AssertEventuallyServingAsync();
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5")]
    [InlineData("-5S")]
    public async Task GetScores_WithInvalidGrpcTimeout_IgnoresTheHeader(string timeout)
    {
        // Not a TimeoutValue (PROTOCOL-HTTP2: 1 to 8 digits and a unit): ignored, no deadline.
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()), ("grpc-timeout", timeout));

        Assert.True(r.GrpcStatus == "0", r.ToString());
    }

    [Theory]
    [InlineData("99999999S")]
    [InlineData("99999999H")]
    [InlineData("123456789S")] // 9 digits: outside the spec's grammar, but Grpc.AspNetCore reads it as a deadline
    public async Task GetScores_WithDeadlineYearsAway_AnswersOk(string timeout)
    {
        // A deadline further away than a .NET timer can wait once made the store guard throw (UNKNOWN).
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()), ("grpc-timeout", timeout));

        Assert.True(r.GrpcStatus == "0", r.ToString());
    }

    /// <summary>After a Redis stall the client may need a moment to recover: poll, bounded.</summary>
    private async Task AssertEventuallyServingAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()));
        while (r.GrpcStatus != "0" && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()));
        }

        Assert.True(r.GrpcStatus == "0", r.ToString());
    }
}
