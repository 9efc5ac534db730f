using StackExchange.Redis;

namespace Scoring.Features.Tests.Support;

/// <summary>StackExchange.Redis connections to the test's redis-server.</summary>
internal static class RedisConnections
{
    /// <summary>
    /// A multiplexer to <paramref name="endpoint"/>; admin commands allowed (SCRIPT FLUSH), and a
    /// generous command timeout because the shared test machine can be slow.
    /// </summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(string endpoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AllowAdmin = true,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });
}
