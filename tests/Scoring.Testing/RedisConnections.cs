using StackExchange.Redis;

namespace Scoring.Testing;

/// <summary>StackExchange.Redis connections of the tests themselves (producers, checks, DEBUG SLEEP) to a test's redis-server.</summary>
public static class RedisConnections
{
    /// <summary>
    /// A multiplexer to <paramref name="endpoint"/>: admin commands allowed (SCRIPT FLUSH, DEBUG),
    /// and a generous command timeout because the shared test machine can be slow.
    /// </summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(string endpoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AllowAdmin = true,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });

    /// <summary>
    /// Sends DEBUG SLEEP on a connection of its own and returns without waiting for it: Redis runs
    /// one command at a time, so every command sent after this one waits out the sleep. The
    /// returned task completes when Redis answers again; the connection closes after that.
    /// </summary>
    public static async Task<Task> SleepAsync(string endpoint, TimeSpan duration)
    {
        var mux = await ConnectAsync(endpoint);
        var reply = mux.GetDatabase().ExecuteAsync("DEBUG", "SLEEP", duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        return CloseAfterAsync(mux, reply);
    }

    private static async Task CloseAfterAsync(ConnectionMultiplexer mux, Task reply)
    {
        await using (mux)
        {
            await reply;
        }
    }
}
