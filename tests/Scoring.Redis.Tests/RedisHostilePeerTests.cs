using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scoring.Redis.Tests;

/// <summary>
/// A misbehaving peer cannot be produced with a real redis-server, so these tests answer the
/// client's handshake PING from a raw socket with crafted bytes.
/// </summary>
public sealed class RedisHostilePeerTests
{
    [Theory]
    [InlineData("$999999999999\r\n", "max bulk length")]
    [InlineData("*99999999999\r\n", "max aggregate length")]
    [InlineData("@what\r\n", "Unknown RESP type")]
    public async Task Connect_PeerSendsHostileReply_FailsWithClearProtocolError(string reply, string expected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var peer = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[256];
            await socket.ReceiveAsync(buffer, SocketFlags.None);
            await socket.SendAsync(Encoding.ASCII.GetBytes(reply), SocketFlags.None);
            // Keep the socket open: the client must detect the problem itself, not by EOF.
            await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        });

        var error = await Assert.ThrowsAsync<RedisUnavailableException>(() => RedisClient.ConnectAsync(new RedisOptions
        {
            Endpoint = $"127.0.0.1:{port}",
            ConnectTimeout = TimeSpan.FromSeconds(15),
        }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await peer;
    }
}
