using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

// Usage: RedisLoad <endpoint> <get|evalsha> <concurrency> <requests> [poolSize]
// StackExchange.Redis: one ConnectionMultiplexer per "pool" slot (1 by default, as the service uses).
// Prints one CSV line: op,concurrency,pool,requests,ops_per_sec,p50_ms,p99_ms
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: RedisLoad <endpoint> <get|evalsha> <concurrency> <requests> [poolSize]");
    return 2;
}

var endpoint = args[0];
var operation = args[1];
var concurrency = int.Parse(args[2], CultureInfo.InvariantCulture);
var requests = int.Parse(args[3], CultureInfo.InvariantCulture);
var pool = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
const string Key = "key:000000000000";

var multiplexers = new ConnectionMultiplexer[pool];
for (var m = 0; m < pool; m++)
{
    multiplexers[m] = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { endpoint }, SyncTimeout = 30_000, AsyncTimeout = 30_000 });
}

const string Script = "return redis.call('GET', KEYS[1])";
var sha1 = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(Script));
await multiplexers[0].GetDatabase().ScriptEvaluateAsync(Script, [Key], flags: CommandFlags.NoScriptCache); // caches it on the server
RedisKey[] keys = [Key];
// Same shape as redis-benchmark: GET of one key; EVALSHA of a script that GETs it.
var isGet = operation switch
{
    "get" => true,
    "evalsha" => false,
    _ => throw new ArgumentException($"unknown operation '{operation}'"),
};

// Warm-up (JIT, connection, pools), then the measured run.
await RunAsync(Math.Min(requests / 10, 20_000));
GC.Collect();
var (elapsed, latencies) = await RunAsync(requests);
Array.Sort(latencies);
var opsPerSecond = requests / elapsed.TotalSeconds;
double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{operation},{concurrency},{pool},{requests},{opsPerSecond:0},{Percentile(0.50):0.000},{Percentile(0.99):0.000}"));
foreach (var m in multiplexers)
{
    await m.DisposeAsync();
}

return 0;

async Task<(TimeSpan Elapsed, long[] Latencies)> RunAsync(int total)
{
    var latencies = new long[total];
    var next = -1;
    var started = Stopwatch.GetTimestamp();
    var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            var t0 = Stopwatch.GetTimestamp();
            var db = multiplexers[i % multiplexers.Length].GetDatabase();
            if (isGet)
            {
                using var lease = await db.StringGetLeaseAsync(Key);
            }
            else
            {
                await db.ScriptEvaluateAsync(sha1, keys);
            }

            latencies[i] = Stopwatch.GetTimestamp() - t0;
        }
    })).ToArray();
    await Task.WhenAll(workers);
    return (Stopwatch.GetElapsedTime(started), latencies);
}
