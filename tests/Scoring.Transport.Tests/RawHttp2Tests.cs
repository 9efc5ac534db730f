using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Scoring.Testing.V1;


namespace Scoring.Transport.Tests;

/// <summary>
/// Hand-made HTTP/2 requests against the real server: each protocol edge of GRPC.md gets
/// the right HTTP status and gRPC status, and the server keeps serving afterwards.
/// </summary>
[Collection(EchoServerCollection.Name)]
public sealed class RawHttp2Tests(EchoServerFixture server) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler());

    public void Dispose() => _http.Dispose();

    private static byte[] Frame(IMessage message, byte flag = 0)
    {
        var body = message.ToByteArray();
        var frame = new byte[5 + body.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    private async Task<RawResponse> PostAsync(string path, HttpContent content, Version? version = null, Uri? address = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address ?? server.H2cAddress, path))
        {
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        string? Get(HttpHeaders h, string name) => h.TryGetValues(name, out var v) ? v.First() : null;
        return new RawResponse(
            (int)response.StatusCode,
            Get(response.TrailingHeaders, "grpc-status") ?? Get(response.Headers, "grpc-status"),
            Get(response.TrailingHeaders, "grpc-message") ?? Get(response.Headers, "grpc-message"),
            body,
            response);
    }

    private static ByteArrayContent Grpc(byte[] body, string contentType = "application/grpc")
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private async Task AssertStillServingAsync()
    {
        var ok = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest { Message = "still here" })));
        Assert.Equal("0", ok.GrpcStatus);
        Assert.Equal("still here", EchoReply.Parser.ParseFrom(ok.Body.AsSpan(5)).Message);
    }

    [Fact]
    public async Task Unary_WellFormedRequest_ReturnsMessageAndOkTrailers()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest { Message = "hi" })));
        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal("application/grpc", r.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("hi", EchoReply.Parser.ParseFrom(r.Body.AsSpan(5)).Message);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/grpcx")]
    public async Task Request_WithWrongContentType_Returns415AndInternal(string contentType)
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest()), contentType));
        Assert.Equal(415, r.HttpStatus);
        Assert.Equal("13", r.GrpcStatus);
        Assert.Contains(contentType, r.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("APPLICATION/GRPC")]
    [InlineData("application/grpc;charset=utf-8")]
    public async Task Request_WithGrpcContentTypeVariants_IsAccepted(string contentType)
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest { Message = "x" }), contentType));
        Assert.Equal("0", r.GrpcStatus);
    }

    [Fact]
    public async Task Request_OverHttp11_Returns426WithUpgradeHeader()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest())), HttpVersion.Version11, server.Http1Address);
        Assert.Equal(426, r.HttpStatus);
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Request protocol 'HTTP/1.1' is not supported.", r.GrpcMessage);
        Assert.Equal("HTTP/2", r.Response.Headers.Upgrade.ToString());
    }

    [Theory]
    [InlineData("/scoring.testing.v1.Echo/Nope", "Method is unimplemented.")]
    [InlineData("/no.such.Service/Method", "Service is unimplemented.")]
    public async Task Request_ToUnknownPath_ReturnsTrailersOnlyUnimplemented(string path, string message)
    {
        var r = await PostAsync(path, Grpc(Frame(new EchoRequest())));
        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("12", r.GrpcStatus);
        Assert.Equal(message, r.GrpcMessage);
        Assert.Empty(r.Body);
        Assert.True(r.Response.Headers.Contains("grpc-status"), "status must travel in the headers frame (trailers-only)");
    }

    [Fact]
    public async Task Unary_WithEmptyBody_ReturnsIncompleteMessage()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc([]));
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Incomplete message.", r.GrpcMessage);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithTruncatedBody_ReturnsIncompleteMessage()
    {
        var frame = Frame(new EchoRequest { Message = "truncated message body" });
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(frame[..^4]));
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Incomplete message.", r.GrpcMessage);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithLengthPrefixLargerThanBody_ReturnsIncompleteMessage()
    {
        var frame = Frame(new EchoRequest { Message = "liar" });
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(frame.Length + 100));
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(frame));
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Incomplete message.", r.GrpcMessage);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithDataAfterTheMessage_ReturnsAdditionalData()
    {
        var frame = Frame(new EchoRequest { Message = "a" });
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc([.. frame, .. frame]));
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Additional data after the message received.", r.GrpcMessage);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithDeclaredLengthOverLimit_ReturnsResourceExhaustedBeforeBuffering()
    {
        // Only the 5-byte prefix is sent: the server must refuse on the declared length alone.
        var prefix = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), EchoServerFixture.MaxReceive + 1);
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(prefix));
        Assert.Equal("8", r.GrpcStatus);
        Assert.Contains("maximum configured message size", r.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithResponseOverSendLimit_ReturnsResourceExhausted()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest { ReplyPayloadSize = EchoServerFixture.MaxReceive + 10 })));
        Assert.Equal("8", r.GrpcStatus);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithInvalidCompressedFlag_ReturnsInternal()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest(), flag: 2)));
        Assert.Equal("13", r.GrpcStatus);
        Assert.Contains("compressed flag", r.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_CompressedFlagWithoutEncoding_ReturnsInternal()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest(), flag: 1)));
        Assert.Equal("13", r.GrpcStatus);
    }

    [Fact]
    public async Task Unary_WithUnsupportedEncoding_ReturnsUnimplementedAndAcceptEncoding()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest(), flag: 1)), headers: ("grpc-encoding", "snappy"));
        Assert.Equal("12", r.GrpcStatus);
        Assert.Equal("identity,gzip", r.Response.Headers.GetValues("grpc-accept-encoding").Single());
    }

    [Fact]
    public async Task Unary_WithGzipRequestAndAcceptGzip_DecompressesAndCompressesReply()
    {
        var payload = new EchoRequest { Message = new string('z', 2000) }.ToByteArray();
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(payload);
        }
        var body = new byte[5 + compressed.Length];
        body[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)compressed.Length);
        compressed.ToArray().CopyTo(body, 5);
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(body), headers: [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")]);
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal("gzip", r.Response.Headers.GetValues("grpc-encoding").Single());
        Assert.Equal(1, r.Body[0]);
        using var gunzip = new GZipStream(new MemoryStream(r.Body, 5, r.Body.Length - 5), CompressionMode.Decompress);
        var reply = EchoReply.Parser.ParseFrom(gunzip);
        Assert.Equal(2000, reply.Message.Length);
    }

    [Fact]
    public async Task Unary_MessageSplitAcrossManyDataFrames_IsReassembled()
    {
        var frame = Frame(new EchoRequest { Message = new string('s', 300) });
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", new TrickleContent(frame, chunk: 7));
        Assert.Equal("0", r.GrpcStatus);
        Assert.Equal(300, EchoReply.Parser.ParseFrom(r.Body.AsSpan(5)).Message.Length);
    }

    [Fact]
    public async Task ClientStream_MessagesWithHeadersSplitAcrossFrames_AreAllRead()
    {
        var body = Enumerable.Range(1, 20).SelectMany(i => Frame(new Number { Value = i })).ToArray();
        var r = await PostAsync("/scoring.testing.v1.Echo/Sum", new TrickleContent(body, chunk: 3));
        Assert.Equal("0", r.GrpcStatus);
        var reply = SumReply.Parser.ParseFrom(r.Body.AsSpan(5));
        Assert.Equal(210, reply.Sum);
        Assert.Equal(20, reply.Count);
    }

    [Fact]
    public async Task Handler_ThrowingException_ReturnsInternalWithoutDetails()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Throw", Grpc(Frame(new EchoRequest())));
        Assert.Equal("13", r.GrpcStatus);
        Assert.Equal("Exception was thrown by handler.", r.GrpcMessage);
        Assert.DoesNotContain("secret", r.GrpcMessage ?? string.Empty, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Handler_RpcExceptionWithNonAsciiMessage_IsPercentEncoded()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Fail", Grpc(Frame(new StatusRequest { Code = 5, Message = "Kunde nicht gefunden: Größe 100%" })));
        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("5", r.GrpcStatus);
        Assert.Equal("Kunde nicht gefunden: Gr%C3%B6%C3%9Fe 100%25", r.GrpcMessage);
        Assert.Equal("yes", r.Response.Headers.GetValues("x-failure").Single());
    }

    [Fact]
    public async Task Unary_WithGrpcTimeout_IgnoringHandlerStillEndsWithDeadlineExceeded()
    {
        var started = DateTime.UtcNow;
        var r = await PostAsync("/scoring.testing.v1.Echo/IgnoreDeadline", Grpc(Frame(new EchoRequest())), headers: ("grpc-timeout", "200m"));
        Assert.Equal("4", r.GrpcStatus);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4.5), "the call must end at the deadline, not when the handler finishes");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Unary_WithInvalidGrpcTimeout_IgnoresTheHeader()
    {
        var r = await PostAsync("/scoring.testing.v1.Echo/Unary", Grpc(Frame(new EchoRequest { Message = "x" })), headers: ("grpc-timeout", "123456789S"));
        Assert.Equal("0", r.GrpcStatus);
    }

    private sealed record RawResponse(int HttpStatus, string? GrpcStatus, string? GrpcMessage, byte[] Body, HttpResponseMessage Response);

    /// <summary>Sends the body in small flushed chunks so it arrives in many DATA frames.</summary>
    private sealed class TrickleContent : HttpContent
    {
        private readonly byte[] body;
        private readonly int chunk;

        public TrickleContent(byte[] body, int chunk)
        {
            this.body = body;
            this.chunk = chunk;
            Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var i = 0; i < body.Length; i += chunk)
            {
                await stream.WriteAsync(body.AsMemory(i, Math.Min(chunk, body.Length - i)));
                await stream.FlushAsync();
                await Task.Delay(1);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

    }
}
