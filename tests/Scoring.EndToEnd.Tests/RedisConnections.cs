using StackExchange.Redis;

namespace Scoring.EndToEnd.Tests;

/// <summary>StackExchange.Redis connections of the tests themselves (producers, checks) to the service's redis-server.</summary>
internal static class RedisConnections
{
    /// <summary>A multiplexer to <paramref name="endpoint"/> with a generous timeout (the shared test machine can be slow).</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(string endpoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { endpoint }, SyncTimeout = 10_000, AsyncTimeout = 10_000 });
}
