using Scoring.Features.Store;
using Scoring.Features.Tests.Support;
using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Features.Tests.Streams;

/// <summary>Event logs, waits and checks shared by the stream tests.</summary>
internal static class StreamTestSupport
{
    /// <summary>
    /// <paramref name="customers"/> × <paramref name="perCustomer"/> purchases, one an hour per
    /// customer ending yesterday, in time order (so arrival order = time order per customer).
    /// Hourly spacing keeps a customer's events (up to ~160) within the 7-day lateness bound, as
    /// real traffic is: a redelivered or claimed entry then arrives out of order but never late.
    /// Ids are unique per <paramref name="prefix"/>.
    /// </summary>
    public static List<Event> Purchases(string prefix, int customers, int perCustomer, int seed = 7)
    {
        var rng = new Random(seed);
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1);
        var log = new List<Event>(customers * perCustomer);
        for (var k = 0; k < perCustomer; k++)
        {
            var hour = end.AddHours(k - perCustomer + 1);
            for (var c = 0; c < customers; c++)
            {
                var amount = Math.Round(10 + (rng.NextDouble() * 290), 2);
                log.Add(Ev.Purchase(hour.AddSeconds(c), amount, id: $"{prefix}-{c}-{k}", customer: $"{prefix}-c{c}"));
            }
        }

        return log;
    }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after a generous timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>XINFO GROUPS figures of one group, or null before the consumer has created it.</summary>
    public static async Task<StreamGroupInfo?> GroupAsync(IDatabase db, string stream, string group)
    {
        if (!await db.KeyExistsAsync(stream))
        {
            return null;
        }

        var groups = await db.StreamGroupInfoAsync(stream);
        return groups.Where(g => g.Name == group).Select(g => (StreamGroupInfo?)g).SingleOrDefault();
    }

    /// <summary>Whether the group has read everything (lag 0) and acknowledged everything (pending 0).</summary>
    public static async Task<bool> DrainedAsync(IDatabase db, string stream, string group)
    {
        var g = await GroupAsync(db, stream, group);
        return g is { Lag: 0, PendingMessageCount: 0 };
    }

    /// <summary>
    /// Asserts that the store's features of every customer in the log equal an offline replay of
    /// the log (each event applied once, in log order).
    /// </summary>
    public static async Task AssertStoreEqualsReplayAsync(RedisFeatureStore store, IReadOnlyList<Event> log)
    {
        var asOf = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var byCustomer = log.GroupBy(e => e.CustomerId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var chunk in byCustomer.Keys.Order(StringComparer.Ordinal).Chunk(1000))
        {
            var read = await store.GetFeaturesAsync(chunk, asOf);
            for (var i = 0; i < chunk.Length; i++)
            {
                Assert.True(read[i] is not null, $"customer #{i} of a chunk has no stored state");
                var expected = FeatureReplay.ComputeFeatures(chunk[i], byCustomer[chunk[i]], profile: null, asOf);
                var differences = ReferenceFeatures.Differences(read[i]!, expected);
                Assert.True(differences.Count == 0, $"{chunk[i]}: {string.Join("; ", differences)}");
            }
        }
    }
}
