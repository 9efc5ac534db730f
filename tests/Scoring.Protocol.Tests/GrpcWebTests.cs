using System.Buffers.Binary;
using System.Net;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Scoring.V1;

namespace Scoring.Protocol.Tests;

/// <summary>
/// gRPC-Web on the HTTP/1.1 port: Grpc.Net.Client.Web (binary and text modes) and a raw request
/// with curl, whose body carries the trailers as a frame flagged 0x80 (gRPC-Web protocol).
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class GrpcWebTests(ServiceFixture fixture)
{
    private GrpcChannel WebChannel(GrpcWebMode mode) => GrpcChannel.ForAddress(fixture.Service.HttpAddress, new GrpcChannelOptions
    {
        HttpHandler = new GrpcWebHandler(mode, new SocketsHttpHandler()),
        HttpVersion = HttpVersion.Version11,
        HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    });

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task GetScores_OverGrpcWebHttp11_ReturnsScores(GrpcWebMode mode)
    {
        using var channel = WebChannel(mode);
        var client = new Scoring.V1.Scoring.ScoringClient(channel);

        var reply = await client.GetScoresAsync(new GetScoresRequest { CustomerId = ServiceFixture.CustomerId, Channel = Channel.Web }, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(ServiceFixture.CustomerId, reply.CustomerId);
        Assert.NotNull(reply.Churn);
    }

    [Fact]
    public async Task GetScores_OverGrpcWebForUnknownCustomer_ReturnsNotFound()
    {
        using var channel = WebChannel(GrpcWebMode.GrpcWeb);
        var client = new Scoring.V1.Scoring.ScoringClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetScoresAsync(new GetScoresRequest { CustomerId = "nobody-web", Channel = Channel.Web }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("customer_id: no profile or events for customer 'nobody-web'.", error.Status.Detail);
    }

    [Fact]
    public async Task WatchRisk_OverGrpcWeb_StreamsTheInitialSnapshot()
    {
        using var channel = WebChannel(GrpcWebMode.GrpcWeb);
        var client = new Scoring.V1.Scoring.ScoringClient(channel);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = client.WatchRisk(new WatchRiskRequest { CustomerIds = { ServiceFixture.CustomerId }, SendInitial = true }, cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(ServiceFixture.CustomerId, call.ResponseStream.Current.CustomerId);
        Assert.Equal(RiskBand.Unspecified, call.ResponseStream.Current.PreviousBand);
    }

    [Fact]
    public async Task GetScores_RawGrpcWebWithCurl_ReturnsMessageThenTrailerFrame()
    {
        var request = GrpcWire.Frame(new GetScoresRequest { CustomerId = ServiceFixture.CustomerId, Channel = Channel.Web });

        var (status, type, body) = await Tools.CurlAsync("POST", new Uri(fixture.Service.HttpAddress, "/scoring.v1.Scoring/GetScores"),
            "application/grpc-web+proto", request, "X-Grpc-Web: 1", "Accept: application/grpc-web+proto");

        Assert.Equal(200, status);
        Assert.StartsWith("application/grpc-web", type, StringComparison.Ordinal);
        // Frame 1: a message (flag 0). Frame 2: trailers (flag 0x80), HTTP/1.1 header lines.
        Assert.Equal(0, body[0]);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        Assert.Equal(ServiceFixture.CustomerId, CustomerScores.Parser.ParseFrom(body.AsSpan(5, length)).CustomerId);
        var trailer = body.AsSpan(5 + length);
        Assert.Equal(0x80, trailer[0]);
        Assert.Equal(trailer.Length - 5, (int)BinaryPrimitives.ReadUInt32BigEndian(trailer[1..]));
        var lines = Encoding.ASCII.GetString(trailer[5..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("grpc-status:0", lines.Select(l => l.Replace(" ", "", StringComparison.Ordinal)));
    }
}
