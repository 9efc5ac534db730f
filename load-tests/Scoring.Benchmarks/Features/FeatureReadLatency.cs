using System.Diagnostics;
using System.Globalization;
using Scoring.Features.Store;
using StackExchange.Redis;

namespace Scoring.Benchmarks.Features;

/// <summary>
/// Closed-loop latency of a feature-vector read (GET + decode + features at read time) beside a
/// raw GET of the same stored bytes (a pooled lease), through one StackExchange.Redis multiplexer, at a given number of
/// concurrent callers. Driven by load-tests/features/read-latency.sh, which runs redis-benchmark
/// on the same key in the same run. Prints CSV lines: op,callers,requests,ops_per_sec,p50_ms,p99_ms.
/// </summary>
internal static class FeatureReadLatency
{
    public const string Command = "feature-read-latency";
    public const int Customers = 1000;

    public static string KeyOf(int i) => RedisFeatureStore.KeyOf(CustomerId(i));

    public static async Task<int> RunAsync(string[] args)
    {
        // feature-read-latency <endpoint> <callers> <requests>
        var endpoint = args[1];
        var callers = int.Parse(args[2], CultureInfo.InvariantCulture);
        var requests = int.Parse(args[3], CultureInfo.InvariantCulture);
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { endpoint }, SyncTimeout = 30_000, AsyncTimeout = 30_000 });
        var client = multiplexer.GetDatabase();
        var store = new RedisFeatureStore(client, new FeatureStoreOptions { Clock = FeatureBenchmarkData.Options.Clock });
        var value = StoredValue.Compose(1, FeatureBenchmarkData.TypicalYearState());
        for (var i = 0; i < Customers; i++)
        {
            await client.StringSetAsync(KeyOf(i), value);
        }

        var asOf = FeatureBenchmarkData.End.AddDays(1);
        var ids = Enumerable.Range(0, Customers).Select(CustomerId).ToArray();
        var keys = Enumerable.Range(0, Customers).Select(KeyOf).ToArray();
        async ValueTask Features(int i) => _ = await store.GetFeaturesAsync(ids[i % Customers], asOf);
        async ValueTask Get(int i, byte[] buffer)
        {
            using var lease = await client.StringGetLeaseAsync(keys[i % Customers]);
        }

        foreach (var (name, op) in new (string, Func<int, byte[], ValueTask>)[] { ("features", (i, _) => Features(i)), ("get", Get) })
        {
            await MeasureAsync(op, callers, Math.Min(requests / 5, 20_000)); // warm-up
            var (seconds, latencies) = await MeasureAsync(op, callers, requests);
            Array.Sort(latencies);
            double Ms(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name},{callers},{requests},{requests / seconds:0},{Ms(0.50):0.000},{Ms(0.99):0.000}"));
        }

        return 0;
    }

    private static string CustomerId(int i) => "read-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static async Task<(double Seconds, long[] Latencies)> MeasureAsync(Func<int, byte[], ValueTask> op, int callers, int total)
    {
        var latencies = new long[total];
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var t0 = Stopwatch.GetTimestamp();
                await op(i, buffer);
                latencies[i] = Stopwatch.GetTimestamp() - t0;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (Stopwatch.GetElapsedTime(started).TotalSeconds, latencies);
    }
}
