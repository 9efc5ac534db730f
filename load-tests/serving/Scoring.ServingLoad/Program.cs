// Closed-loop load: `concurrency` callers each send one call, await it, and send the next,
// for a warm-up then a measured period; prints one JSON line with throughput and latency
// percentiles. Usage:
//   Scoring.ServingLoad <target> <health|scores> <concurrency> <seconds> [ids-file] [parts]
// parts: comma-separated ScorePart numbers for GetScores (e.g. 1,3,4), empty = all.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Scoring.V1;
using ScoringClient = Scoring.V1.Scoring.ScoringClient;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Scoring.ServingLoad <target> <health|scores> <concurrency> <seconds> [ids-file] [parts]");
    return 2;
}

var target = args[0];
var method = args[1];
var concurrency = int.Parse(args[2], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
var ids = args.Length > 4 && method == "scores" ? File.ReadAllLines(args[4]).Where(l => l.Length > 0).ToArray() : [];
var parts = args.Length > 5 && args[5].Length > 0
    ? args[5].Split(',').Select(p => (ScorePart)int.Parse(p, CultureInfo.InvariantCulture)).ToArray()
    : [];
if (method == "scores" && ids.Length == 0)
{
    Console.Error.WriteLine("scores needs an ids file with one customer id per line");
    return 2;
}

// One channel and one client of each kind shared by every caller: the channel owns the connection
// (https://learn.microsoft.com/aspnet/core/grpc/performance#reuse-grpc-channels). One HTTP/2
// connection, as the results table says ("64 callers, 1 conn"): GrpcChannel's default handler
// would open another when the server's stream limit is reached
// (https://learn.microsoft.com/aspnet/core/grpc/performance#connection-concurrency).
using var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = false,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        UseCookies = false,
        UseProxy = false,
    },
});
var healthClient = new Health.HealthClient(channel);
var scoringClient = new ScoringClient(channel);
var requests = ids.Select(id =>
{
    var r = new GetScoresRequest { CustomerId = id, Channel = Channel.MobileApp };
    r.Include.AddRange(parts);
    return r;
}).ToArray();
var health = new HealthCheckRequest();

// No per-call deadline, as h2load sends none: a grpc-timeout header would add a deadline timer per
// call on both sides and make the two tools' figures differ in what the service does. A stalled
// service is caught once, at the end (callers that never return fail the run).
async Task CallAsync(int i)
{
    if (method == "health")
    {
        await healthClient.CheckAsync(health).ConfigureAwait(false);
    }
    else
    {
        await scoringClient.GetScoresAsync(requests[i % requests.Length]).ConfigureAwait(false);
    }
}

// Phase 0: warm-up (JIT tiering on both sides, connection set-up); phase 1: measured.
var phase = 0;
var stop = false;
var latencies = new List<long>[concurrency];
var errors = new Dictionary<string, int>();
var next = Random.Shared.Next(Math.Max(1, requests.Length));
async Task CallerAsync(int caller)
{
    var mine = latencies[caller] = new List<long>(1 << 16);
    while (!Volatile.Read(ref stop))
    {
        var i = Interlocked.Increment(ref next);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await CallAsync(i).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            lock (errors)
            {
                errors[ex.StatusCode.ToString()] = errors.GetValueOrDefault(ex.StatusCode.ToString()) + 1;
            }
            continue;
        }

        if (Volatile.Read(ref phase) == 1)
        {
            mine.Add(Stopwatch.GetTimestamp() - started);
        }
    }
}

var callers = Enumerable.Range(0, concurrency).Select(c => Task.Run(() => CallerAsync(c))).ToArray();
await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, seconds / 2)));
lock (errors)
{
    errors.Clear();
}

var measureStart = Stopwatch.GetTimestamp();
Volatile.Write(ref phase, 1);
await Task.Delay(TimeSpan.FromSeconds(seconds));
Volatile.Write(ref phase, 2);
var elapsed = Stopwatch.GetElapsedTime(measureStart).TotalSeconds;
Volatile.Write(ref stop, true);
var finished = Task.WhenAll(callers);
if (await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(30))) != finished)
{
    lock (errors)
    {
        errors["no answer 30 s after the run"] = callers.Count(c => !c.IsCompleted);
    }
}

var all = latencies.SelectMany(l => l).Order().ToArray();
double Ms(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
Console.WriteLine(JsonSerializer.Serialize(new
{
    method,
    concurrency,
    calls = all.Length,
    seconds = Math.Round(elapsed, 2),
    rps = Math.Round(all.Length / elapsed),
    p50_ms = Math.Round(Ms(0.50), 3),
    p90_ms = Math.Round(Ms(0.90), 3),
    p99_ms = Math.Round(Ms(0.99), 3),
    p999_ms = Math.Round(Ms(0.999), 3),
    max_ms = Math.Round(Ms(1.0), 3),
    errors,
}));
return errors.Count == 0 ? 0 : 1;
