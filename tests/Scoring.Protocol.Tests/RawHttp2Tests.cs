using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Protocol.Tests;

/// <summary>
/// Hand-made gRPC requests (HTTP/2 prior knowledge on the h2c port) against scoring.v1: each edge
/// of the gRPC PROTOCOL-HTTP2 document gets the HTTP status and grpc-status Grpc.AspNetCore
/// documents, and the service keeps serving afterwards.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class RawHttp2Tests(ServiceFixture fixture) : IDisposable
{
    public const string GetScores = "/scoring.v1.Scoring/GetScores";

    private readonly GrpcWire _wire = new(fixture.Service.GrpcAddress);

    public void Dispose() => _wire.Dispose();

    public static GetScoresRequest Seeded() => new() { CustomerId = ServiceFixture.CustomerId, Channel = Channel.MobileApp };

    internal static async Task AssertStillServingAsync(GrpcWire wire)
    {
        var ok = await wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()));
        Assert.True(ok.GrpcStatus == "0", ok.ToString());
        Assert.Equal(ServiceFixture.CustomerId, ok.Message(CustomerScores.Parser).CustomerId);
    }

    [Fact]
    public async Task GetScores_WellFormedRequest_Returns200WithMessageAndOkTrailers()
    {
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()));

        Assert.Equal(200, r.HttpStatus);
        Assert.True(r.Trailers.ContainsKey("grpc-status"), "status travels in trailers after a message");
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal("application/grpc", r.ContentHeaders["content-type"]);
        Assert.Equal(0, r.Body[0]);
        Assert.Equal(r.Body.Length - 5, (int)BinaryPrimitives.ReadUInt32BigEndian(r.Body.AsSpan(1)));
        var scores = r.Message(CustomerScores.Parser);
        Assert.Equal(ServiceFixture.CustomerId, scores.CustomerId);
        Assert.NotNull(scores.Churn);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/grpcx")]
    public async Task GetScores_WithWrongContentType_Returns415AndInternalNamingTheType(string contentType)
    {
        var r = await _wire.PostAsync(GetScores, GrpcWire.Content(GrpcWire.Frame(Seeded()), contentType), HttpVersion.Version20);

        Assert.Equal(415, r.HttpStatus);
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal($"Content-Type '{contentType}' is not supported.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithoutContentType_Returns415AndInternal()
    {
        var r = await _wire.PostAsync(GetScores, new ByteArrayContent(GrpcWire.Frame(Seeded())), HttpVersion.Version20);

        Assert.Equal(415, r.HttpStatus);
        Assert.Equal("13", r.GrpcStatus);
        Assert.Contains("Content-Type", r.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServingAsync(_wire);
    }

    [Theory]
    [InlineData("scoring.internal")]
    [InlineData("scoring.internal:443")]
    [InlineData("localhost")]
    public async Task GetScores_WithAuthorityNotNamingTheListenPort_IsServed(string authority)
    {
        // Proxies and ingresses forward the caller's :authority (RFC 9113 8.3.1), which names
        // their own host and port, not the port this replica listens on.
        var r = await _wire.PostAsync(GetScores, GrpcWire.Frame(Seeded()), ("Host", authority));

        Assert.True(r.GrpcStatus == "0", r.ToString());
        Assert.Equal(ServiceFixture.CustomerId, r.Message(CustomerScores.Parser).CustomerId);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("APPLICATION/GRPC")]
    [InlineData("application/grpc;charset=utf-8")]
    public async Task GetScores_WithGrpcContentTypeVariants_IsAccepted(string contentType)
    {
        var r = await _wire.PostAsync(GetScores, GrpcWire.Content(GrpcWire.Frame(Seeded()), contentType), HttpVersion.Version20);

        Assert.True(r.GrpcStatus == "0", r.ToString());
    }

    [Fact]
    public async Task GetScores_NativeGrpcOverHttp11_Returns426WithInternal()
    {
        // The HTTP/1.1 port serves gRPC-Web and JSON; native gRPC needs HTTP/2 (PROTOCOL-HTTP2).
        using var http1 = new GrpcWire(fixture.Service.HttpAddress);
        var r = await http1.PostAsync(GetScores, GrpcWire.Content(GrpcWire.Frame(Seeded())), HttpVersion.Version11);

        Assert.Equal(426, r.HttpStatus);
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Request protocol 'HTTP/1.1' is not supported.", r.GrpcMessage);
        Assert.Equal("HTTP/2", r.Headers.GetValueOrDefault("upgrade"));
    }

    [Theory]
    [InlineData("/scoring.v1.Scoring/Nope", "Method is unimplemented.")]
    [InlineData("/no.such.Service/Method", "Service is unimplemented.")]
    public async Task Request_ToUnknownPath_ReturnsTrailersOnlyUnimplemented(string path, string message)
    {
        var r = await _wire.PostAsync(path, GrpcWire.Frame(Seeded()));

        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("12", r.GrpcStatus);
        Assert.Equal(message, r.GrpcMessage);
        Assert.Empty(r.Body);
        Assert.True(r.Headers.ContainsKey("grpc-status"), "Trailers-Only: the status travels in the only HEADERS frame");
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithEmptyBody_ReturnsIncompleteMessage()
    {
        var r = await _wire.PostAsync(GetScores, []);

        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Incomplete message.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithTruncatedBody_ReturnsIncompleteMessage()
    {
        var frame = GrpcWire.Frame(Seeded());

        var r = await _wire.PostAsync(GetScores, frame[..^4]);

        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Incomplete message.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithLengthPrefixLargerThanBody_ReturnsIncompleteMessage()
    {
        var frame = GrpcWire.Frame(Seeded());
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(frame.Length + 100));

        var r = await _wire.PostAsync(GetScores, frame);

        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Incomplete message.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithDataAfterTheMessage_ReturnsAdditionalData()
    {
        var frame = GrpcWire.Frame(Seeded());

        var r = await _wire.PostAsync(GetScores, [.. frame, .. frame]);

        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Additional data after the message received.", r.GrpcMessage);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_WithDeclaredLengthOverLimit_ReturnsResourceExhausted()
    {
        // Only the 5-byte prefix: the service must refuse on the declared length alone (Grpc:MaxReceiveMessageSize, 4 MiB).
        var prefix = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), (4 * 1024 * 1024) + 1);

        var r = await _wire.PostAsync(GetScores, prefix);

        Assert.Equal("8", r.GrpcStatus);
        Assert.Contains("maximum configured message size", r.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServingAsync(_wire);
    }

    [Fact]
    public async Task GetScores_MessageSplitAcrossManyDataFrames_IsReassembled()
    {
        var request = Seeded();
        request.Include.Add(Enumerable.Repeat(ScorePart.Churn, 100)); // a longer message: more frames
        var r = await _wire.PostAsync(GetScores, new TrickleContent(GrpcWire.Frame(request), chunk: 7), HttpVersion.Version20);

        Assert.True(r.GrpcStatus == "0", r.ToString());
        Assert.Equal(ServiceFixture.CustomerId, r.Message(CustomerScores.Parser).CustomerId);
    }

    [Fact]
    public async Task IngestEvents_MessagesWithHeadersSplitAcrossFrames_AreAllRead()
    {
        var customer = "trickle-" + Guid.NewGuid().ToString("N")[..12];
        var now = DateTimeOffset.UtcNow;
        var body = Enumerable.Range(1, 20)
            .SelectMany(i => GrpcWire.Frame(ServiceFixture.Purchase(customer, $"{customer}-{i}", now.AddDays(i - 21))))
            .ToArray();

        // 3-byte chunks: most 5-byte prefixes straddle two DATA frames.
        var r = await _wire.PostAsync("/scoring.v1.Ingest/IngestEvents", new TrickleContent(body, chunk: 3), HttpVersion.Version20);

        Assert.True(r.GrpcStatus == "0", r.ToString());
        var summary = r.Message(IngestSummary.Parser);
        Assert.Equal(20, summary.Received);
        Assert.Equal(20, summary.Applied);
    }
}
