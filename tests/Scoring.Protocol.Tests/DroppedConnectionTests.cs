using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using static Scoring.Protocol.Tests.RawHttp2Tests;

namespace Scoring.Protocol.Tests;

/// <summary>
/// A caller that vanishes mid-request (a load generator stopping, a phone losing signal) is the
/// caller's doing: the call ends CANCELLED, never INTERNAL or UNKNOWN, so error counts stay about
/// the service; nothing crashes and the service keeps serving. Raw HTTP/2 frames (RFC 9113) over
/// a socket, so the connection can be dropped between frames.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class DroppedConnectionTests(ServiceFixture fixture)
{
    private const string Service = "scoring.v1.Ingest";
    private const string Method = "IngestEvents";

    public enum Drop
    {
        /// <summary>TCP reset, as from a killed process.</summary>
        Reset,

        /// <summary>An orderly close (FIN) with the message unfinished.</summary>
        Close,

        /// <summary>A close in the middle of a frame header.</summary>
        CloseMidFrame,
    }

    private static readonly string[] Codes = ["OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "Internal", "Unavailable", "Aborted"];

    [Theory]
    [InlineData(Drop.Reset)]
    [InlineData(Drop.Close)]
    [InlineData(Drop.CloseMidFrame)]
    public async Task IngestEvents_WhenTheConnectionDropsMidMessage_EndsCancelled(Drop drop)
    {
        const int streams = 3;
        var started = MetricsText.Started("client_stream", Service, Method);
        var canceled = MetricsText.Handled("client_stream", Service, Method, "Canceled");
        var before = await MetricsText.ScrapeAsync(fixture.Service);

        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", fixture.Service.GrpcPort);
            await socket.SendAsync(Preface());
            await socket.SendAsync(Enumerable.Range(0, streams).SelectMany(s => HalfARequest(1 + (2 * s), "/scoring.v1.Ingest/IngestEvents", fixture.Service.GrpcPort)).ToArray());

            // Client streaming handlers start on the headers: wait until all three run.
            var text = await MetricsText.WaitForAsync(fixture.Service, started, MetricsText.Value(before, started) + streams);
            Assert.Equal(MetricsText.Value(before, started) + streams, MetricsText.Value(text, started));
            switch (drop)
            {
                case Drop.Reset:
                    socket.LingerState = new LingerOption(true, 0);
                    break;
                case Drop.CloseMidFrame:
                    await socket.SendAsync(FrameHeader(10, type: 0x0, flags: 0, stream: 1).AsMemory(0, 4));
                    break;
            }

            socket.Close();
        }

        var after = await MetricsText.WaitForAsync(fixture.Service, canceled, MetricsText.Value(before, canceled) + streams);
        var deltas = Codes.ToDictionary(c => c, c => MetricsText.Value(after, MetricsText.Handled("client_stream", Service, Method, c)) - MetricsText.Value(before, MetricsText.Handled("client_stream", Service, Method, c)));
        var summary = string.Join(", ", deltas.Select(d => $"{d.Key} {d.Value}"));
        Assert.True(deltas.All(d => d.Value == (d.Key == "Canceled" ? streams : 0)), summary);

        using var wire = new GrpcWire(fixture.Service.GrpcAddress);
        await AssertStillServingAsync(wire);
    }

    [Fact]
    public async Task GetScores_WhenTheConnectionDropsBeforeTheWholeRequestArrived_KeepsServing()
    {
        // A unary handler runs only once the whole request message is read, so nothing is
        // started or counted for these calls; the service must simply carry on.
        var handledNotOk = Codes.Where(c => c != "OK").Select(c => MetricsText.Handled("unary", "scoring.v1.Scoring", "GetScores", c)).ToArray();
        var before = await MetricsText.ScrapeAsync(fixture.Service);
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", fixture.Service.GrpcPort);
            await socket.SendAsync(Preface());
            await socket.SendAsync(HalfARequest(1, GetScores, fixture.Service.GrpcPort));
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        using var wire = new GrpcWire(fixture.Service.GrpcAddress);
        await AssertStillServingAsync(wire);
        var after = await MetricsText.ScrapeAsync(fixture.Service);
        Assert.All(handledNotOk, series => Assert.Equal(MetricsText.Value(before, series), MetricsText.Value(after, series)));
    }

    [Fact]
    public async Task GetScores_WhenH2loadStopsWithCallsInFlight_EndsThemCancelledNotInternal()
    {
        var body = Path.GetTempFileName();
        var before = await MetricsText.ScrapeAsync(fixture.Service);
        try
        {
            await File.WriteAllBytesAsync(body, GrpcWire.Frame(Seeded()));

            // A load generator stopping on a timer (-D) closes its connections with streams open.
            var r = await Tools.RunAsync("h2load",
                ["-D", "2", "-c", "4", "-m", "16", "-t", "1", "-H", "content-type: application/grpc", "-H", "te: trailers",
                 "-d", body, new Uri(fixture.Service.GrpcAddress, GetScores).ToString()]);
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        }
        finally
        {
            File.Delete(body);
        }

        // Wait until every started call has been counted as handled.
        var started = MetricsText.Started("unary", "scoring.v1.Scoring", "GetScores");
        var handled = Codes.Select(c => (Code: c, Series: MetricsText.Handled("unary", "scoring.v1.Scoring", "GetScores", c))).ToArray();
        double Pending(string text) => MetricsText.Value(text, started) - MetricsText.Value(before, started)
            - handled.Sum(h => MetricsText.Value(text, h.Series) - MetricsText.Value(before, h.Series));
        var until = DateTime.UtcNow.AddSeconds(30);
        var after = await MetricsText.ScrapeAsync(fixture.Service);
        while (Pending(after) > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            after = await MetricsText.ScrapeAsync(fixture.Service);
        }

        var byCode = handled.ToDictionary(h => h.Code, h => MetricsText.Value(after, h.Series) - MetricsText.Value(before, h.Series));
        var summary = string.Join(", ", byCode.Where(p => p.Value > 0));
        Assert.True(byCode["OK"] > 100, $"h2load barely ran: {summary}");
        Assert.True(byCode.All(p => p.Key is "OK" or "Canceled" || p.Value == 0), $"calls cut short by the closing client must end CANCELLED: {summary}");
    }

    private static byte[] Preface()
    {
        var preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        return [.. preface, .. FrameHeader(0, type: 0x4, flags: 0, stream: 0)]; // empty SETTINGS
    }

    /// <summary>HEADERS for a call, then a DATA frame holding 10 of the 100 message bytes it announces.</summary>
    private static byte[] HalfARequest(int stream, string path, int port)
    {
        var block = new List<byte>();
        foreach (var (name, value) in new[]
        {
            (":method", "POST"), (":scheme", "http"), (":path", path),
            (":authority", $"127.0.0.1:{port}"), ("content-type", "application/grpc"), ("te", "trailers"),
        })
        {
            // HPACK literal header field without indexing, new name (RFC 7541 6.2.2); lengths < 127, no Huffman.
            block.Add(0x00);
            block.Add((byte)name.Length);
            block.AddRange(Encoding.ASCII.GetBytes(name));
            block.Add((byte)value.Length);
            block.AddRange(Encoding.ASCII.GetBytes(value));
        }

        var data = new byte[15];
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(1), 100);
        return [.. FrameHeader(block.Count, type: 0x1, flags: 0x4, stream), .. block, .. FrameHeader(data.Length, type: 0x0, flags: 0, stream), .. data];
    }

    private static byte[] FrameHeader(int length, byte type, byte flags, int stream)
    {
        var header = new byte[9];
        header[0] = (byte)(length >> 16);
        header[1] = (byte)(length >> 8);
        header[2] = (byte)length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5), (uint)stream);
        return header;
    }
}
