using Scoring.Testing;

namespace Scoring.Redis.Tests;

internal static class RedisTestHelpers
{
    public static Task<RedisClient> ConnectAsync(RedisServer server, Action<RedisOptions>? configure = null)
    {
        var options = new RedisOptions
        {
            Endpoint = server.Endpoint,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CommandTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return RedisClient.ConnectAsync(options);
    }

    public static string Key(string name) => $"test:{name}:{Guid.NewGuid():N}";

    /// <summary>Polls until <paramref name="condition"/> holds; generous for a noisy 2-core machine.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
