using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;

namespace Scoring.Transport.Tests;

/// <summary>
/// A caller that vanishes mid-request (a load generator stopping, a phone losing signal) is the
/// caller's doing: the call ends CANCELLED, never INTERNAL, so error counts and error logs stay
/// about the service. Raw HTTP/2 over a socket so the connection can be dropped between frames.
/// </summary>
[Collection(EchoServerCollection.Name)]
public sealed class DroppedConnectionTests(EchoServerFixture server)
{
    private const string Method = "Abandoned";

    public enum Drop
    {
        /// <summary>TCP reset, as from a killed process.</summary>
        Reset,

        /// <summary>An orderly close (FIN) with the message unfinished.</summary>
        Close,

        /// <summary>A close in the middle of a frame header.</summary>
        CloseMidFrame,
    }

    [Theory]
    [InlineData(Drop.Reset)]
    [InlineData(Drop.Close)]
    [InlineData(Drop.CloseMidFrame)]
    public async Task Unary_WhenTheConnectionDropsBeforeTheWholeRequestArrived_EndsCancelled(Drop drop)
    {
        using var calls = new CallCodes(Method);

        // Many calls in flight on each connection when it drops: the drop races Kestrel's
        // RequestAborted signal, as when a load generator stops.
        const int connections = 4, streams = 50, total = connections * streams;
        for (var c = 0; c < connections; c++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.H2cAddress.Host, server.H2cAddress.Port);
            await socket.SendAsync(Preface());
            await socket.SendAsync(Enumerable.Range(0, streams).SelectMany(s => HalfARequest(1 + (2 * s))).ToArray());
            var until = DateTime.UtcNow.AddSeconds(10);
            while (calls.Started < (c + 1) * streams && DateTime.UtcNow < until)
            {
                await Task.Delay(10);
            }

            Assert.True(calls.Started == (c + 1) * streams, $"the server started {calls.Started} of {(c + 1) * streams} calls");
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

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (calls.Codes.Count < total && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(Enumerable.Repeat("Canceled", total), calls.Codes);
    }

    [Fact]
    public async Task Unary_WhenH2loadStopsWithCallsInFlight_EndsThemCancelledNotInternal()
    {
        using var calls = new CallCodes(Method);
        var body = Path.GetTempFileName();
        try
        {
            var message = new Scoring.Testing.V1.EchoRequest { Message = "load" }.ToByteArray();
            var frame = new byte[5 + message.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
            message.CopyTo(frame, 5);
            await File.WriteAllBytesAsync(body, frame);

            // A load generator that stops on a timer closes its connections with streams open.
            using var h2load = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("h2load",
                ["-D", "2", "-c", "4", "-m", "16", "-t", "1", "-H", "content-type: application/grpc", "-H", "te: trailers",
                 "-d", body, new Uri(server.H2cAddress, $"/scoring.testing.v1.Echo/{Method}").ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = await h2load.StandardOutput.ReadToEndAsync();
            await h2load.WaitForExitAsync();
            Assert.True(h2load.ExitCode == 0, output + await h2load.StandardError.ReadToEndAsync());
        }
        finally
        {
            File.Delete(body);
        }

        var until = DateTime.UtcNow.AddSeconds(10);
        while (calls.Codes.Count < calls.Started && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }

        var byCode = calls.Codes.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byCode.GetValueOrDefault("OK") > 1000, $"h2load barely ran: {string.Join(", ", byCode)}");
        Assert.True(byCode.Keys.All(code => code is "OK" or "Canceled"), $"calls cut short by the closing client must end CANCELLED: {string.Join(", ", byCode)}");
    }

    /// <summary>Counts started calls and records the final code of each handled call of one method.</summary>
    private sealed class CallCodes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _started;

        public CallCodes(string method)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Scoring.Grpc.Server" && instrument.Name is "grpc_server_handled" or "grpc_server_started")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            {
                string? name = null, code = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "grpc_method")
                    {
                        name = tag.Value as string;
                    }
                    else if (tag.Key == "grpc_code")
                    {
                        code = tag.Value as string;
                    }
                }

                if (name != method)
                {
                    return;
                }

                if (instrument.Name == "grpc_server_started")
                {
                    Interlocked.Increment(ref _started);
                }
                else
                {
                    Codes.Enqueue(code!);
                }
            });
            _listener.Start();
        }

        public int Started => Volatile.Read(ref _started);

        public ConcurrentQueue<string> Codes { get; } = new();

        public void Dispose() => _listener.Dispose();
    }

    private static byte[] Preface()
    {
        var preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        return [.. preface, .. FrameHeader(0, type: 0x4, flags: 0, stream: 0)]; // empty SETTINGS
    }

    /// <summary>HEADERS for a unary call, then a DATA frame holding 10 of the 100 message bytes it announces.</summary>
    private static byte[] HalfARequest(int stream)
    {
        var block = new List<byte>();
        foreach (var (name, value) in new[]
        {
            (":method", "POST"), (":scheme", "http"), (":path", $"/scoring.testing.v1.Echo/{Method}"),
            (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
        })
        {
            // HPACK literal header field without indexing, new name; lengths < 127, no Huffman.
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
