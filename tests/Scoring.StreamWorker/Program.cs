using System.Globalization;
using System.Runtime.InteropServices;
using Scoring.Features.Store;
using Scoring.Features.Streams;
using StackExchange.Redis;

// Runs one StreamIngestionConsumer with the Redis feature store as its handler until SIGTERM /
// Ctrl-C (or until killed, which is the point). Usage:
//   Scoring.StreamWorker --port N --stream KEY --group NAME --consumer NAME
//                        [--batch N] [--claim-idle-ms N] [--dead-letter KEY]
// Prints "ready" once the group exists and the loop runs, and its totals on a graceful stop.
// "Scoring.StreamWorker bench ..." measures the consumer rate instead (load-tests/streams/bench.sh).
if (args.Length > 0 && args[0] == "bench")
{
    return await Bench.RunAsync(args[1..]).ConfigureAwait(false);
}

var arguments = Arguments.Parse(args);
if (arguments is null)
{
    await Console.Error.WriteLineAsync("usage: Scoring.StreamWorker --port N --stream KEY --group NAME --consumer NAME [--batch N] [--claim-idle-ms N] [--dead-letter KEY]").ConfigureAwait(false);
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var mux = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
{
    EndPoints = { $"127.0.0.1:{arguments.Port}" },
    SyncTimeout = 10_000,
    AsyncTimeout = 10_000,
}).ConfigureAwait(false);
var client = mux.GetDatabase();
var store = new RedisFeatureStore(client);
var options = new StreamIngestionOptions
{
    StreamKey = arguments.Stream,
    Group = arguments.Group,
    ConsumerName = arguments.Consumer,
    BatchSize = arguments.Batch,
    ClaimIdleTime = TimeSpan.FromMilliseconds(arguments.ClaimIdleMs),
    ClaimInterval = TimeSpan.FromMilliseconds(Math.Max(1, arguments.ClaimIdleMs / 2)),
    DeadLetterStreamKey = arguments.DeadLetter ?? arguments.Stream + ":dead",
    MetricsInterval = TimeSpan.FromSeconds(1),
};
using var consumer = new StreamIngestionConsumer(client, StreamBatchHandlers.ForStore(store), options);
var run = consumer.RunAsync(stop.Token);
Console.WriteLine("ready");
await run.ConfigureAwait(false);
var s = consumer.Statistics;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"applied={s.Applied} duplicate={s.Duplicate} late={s.Late} invalid={s.Invalid} dead_lettered={s.DeadLettered} acknowledged={s.Acknowledged} claimed={s.Claimed} handler_failures={s.HandlerFailures}"));
return 0;

internal sealed record Arguments(int Port, string Stream, string Group, string Consumer, int Batch, int ClaimIdleMs, string? DeadLetter)
{
    public static Arguments? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        if (!values.TryGetValue("--port", out var port) || !values.TryGetValue("--stream", out var stream)
            || !values.TryGetValue("--group", out var group) || !values.TryGetValue("--consumer", out var consumer))
        {
            return null;
        }

        return new Arguments(
            int.Parse(port, CultureInfo.InvariantCulture),
            stream,
            group,
            consumer,
            values.TryGetValue("--batch", out var batch) ? int.Parse(batch, CultureInfo.InvariantCulture) : 500,
            values.TryGetValue("--claim-idle-ms", out var idle) ? int.Parse(idle, CultureInfo.InvariantCulture) : 30_000,
            values.GetValueOrDefault("--dead-letter"));
    }
}
