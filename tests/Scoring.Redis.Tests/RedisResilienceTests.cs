using System.Collections.Concurrent;
using Scoring.Testing;
using static Scoring.Redis.Tests.RedisTestHelpers;

namespace Scoring.Redis.Tests;

/// <summary>Timeouts, dropped connections and reconnects, each against a private server (they pause or kill it).</summary>
public sealed class RedisResilienceTests
{
    [Fact]
    public async Task Command_ServerPausedLongerThanTimeout_FailsWithTimeoutThenRecovers()
    {
        await using var server = await RedisServer.StartAsync();
        await using var admin = await ConnectAsync(server);
        await using var client = await ConnectAsync(server, o =>
        {
            o.CommandTimeout = TimeSpan.FromMilliseconds(300);
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(50);
            o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
        });
        await client.SetAsync("k", "v");

        await admin.ExecuteAsync("CLIENT PAUSE", 2000, "ALL");
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await client.GetAsync("k"));
        Assert.Contains("GET", error.Message, StringComparison.Ordinal);
        Assert.Contains(server.Endpoint, error.Message, StringComparison.Ordinal);

        // The silent connection is torn down; once the pause ends the client is usable again.
        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    return await client.GetStringAsync("k") == "v";
                }
                catch (RedisException)
                {
                    return false;
                }
            },
            "the client to work again after the pause");
    }

    [Fact]
    public async Task ServerKilled_CallersFailFastAndClientReconnectsAfterRestart()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = await ConnectAsync(server, o =>
        {
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(50);
            o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(300);
        });
        await using var blocking = await client.CreateDedicatedConnectionAsync();
        var states = new ConcurrentQueue<RedisConnectionState>();
        client.ConnectionStateChanged += (_, e) => states.Enqueue(e.State);
        Assert.True(client.IsConnected);

        var inFlight = blocking.ExecuteAsync("BLPOP", "never", 30).AsTask();
        await WaitUntilAsync(async () => (await client.ExecuteAsync("CLIENT LIST", "TYPE", "normal")).AsString()!.Contains("cmd=blpop", StringComparison.Ordinal), "BLPOP to be in flight");
        await server.StopAsync();

        var dropped = await Assert.ThrowsAsync<RedisUnavailableException>(() => inFlight);
        Assert.Contains(server.Endpoint, dropped.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => Task.FromResult(!client.IsConnected), "the client to notice the drop");
        var unavailable = await Assert.ThrowsAsync<RedisUnavailableException>(async () => await client.GetAsync("k"));
        Assert.Contains(server.Endpoint, unavailable.Message, StringComparison.Ordinal);

        await server.RestartAsync();
        await WaitUntilAsync(() => Task.FromResult(client.IsConnected), "the client to reconnect by itself");
        Assert.Equal("PONG", await client.PingAsync());
        await client.SetAsync("k", "after-restart");
        Assert.Equal("after-restart", await client.GetStringAsync("k"));
        Assert.Equal([RedisConnectionState.Disconnected, RedisConnectionState.Connected], states.Distinct());
    }

    [Fact]
    public async Task Connect_NothingListening_ThrowsUnavailableNamingTheEndpoint()
    {
        var endpoint = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}";

        var error = await Assert.ThrowsAsync<RedisUnavailableException>(() => RedisClient.ConnectAsync(new RedisOptions { Endpoint = endpoint }));

        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionKilledByServer_InFlightCommandsFailAndAreNotReplayed()
    {
        await using var server = await RedisServer.StartAsync();
        await using var admin = await ConnectAsync(server);
        await using var client = await ConnectAsync(server, o =>
        {
            o.ClientName = "victim";
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(50);
        });
        var counter = "counter";

        var blocked = client.ExecuteAsync("BLPOP", "nothing", 30).AsTask();
        var queuedIncrement = client.IncrementByAsync(counter, 1).AsTask();
        await WaitUntilAsync(async () => (await admin.ExecuteAsync("CLIENT LIST")).AsString()!.Contains("cmd=blpop", StringComparison.Ordinal), "BLPOP to be in flight");
        await admin.ExecuteAsync("CLIENT KILL", "SKIPME", "yes", "TYPE", "normal");

        await Assert.ThrowsAsync<RedisUnavailableException>(() => blocked);
        // Redis runs a blocked client's pipelined commands only after the block ends, so the
        // INCRBY never ran: it fails with the connection and must not be replayed on the new one.
        await Assert.ThrowsAsync<RedisUnavailableException>(() => queuedIncrement);
        await WaitUntilAsync(() => Task.FromResult(client.IsConnected), "the reconnect");
        Assert.Null(await client.GetStringAsync(counter));
    }
}
