using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Scoring.Features.Store;
using Scoring.Features.Streams;
using Scoring.V1;
using StackExchange.Redis;

/// <summary>
/// Sustained consumer rate: publishes customers × events-per-customer purchases (hourly per
/// customer, in time order) to a fresh stream, then starts N consumers of one group, each with
/// its own connection and the real feature store as handler, and times them from start until the
/// group's lag and pending are both 0. Not a test: figures go to load-tests/RESULTS.md.
/// Usage: bench --port N [--events 200000] [--customers 2000] [--batch 500] [--consumers 1]
/// </summary>
internal static class Bench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        int Get(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var port = Get("--port", 6379);
        var total = Get("--events", 200_000);
        var customers = Get("--customers", 2000);
        var batch = Get("--batch", 500);
        var consumers = Get("--consumers", 1);
        var perCustomer = total / customers;
        var endpoint = $"127.0.0.1:{port}";
        var stream = "bench:" + Guid.NewGuid().ToString("N")[..8];

        await using var mux = await Connect(endpoint).ConfigureAwait(false);
        var client = mux.GetDatabase();
        var events = Generate(stream, customers, perCustomer);
        var publishWatch = Stopwatch.StartNew();
        await new StreamEventPublisher(client, stream).PublishAsync(events).ConfigureAwait(false);
        publishWatch.Stop();

        // The same store on the same batches without the stream (other customers), for the ratio.
        var direct = Generate(stream + "d", customers, perCustomer);
        var directStore = new RedisFeatureStore(client);
        var directWatch = Stopwatch.StartNew();
        foreach (var chunk in direct.Chunk(batch))
        {
            await directStore.IngestAsync(chunk).ConfigureAwait(false);
        }

        directWatch.Stop();

        var clients = new ConnectionMultiplexer[consumers];
        var running = new List<(StreamIngestionConsumer Consumer, Task Run)>();
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < consumers; i++)
        {
            clients[i] = await Connect(endpoint).ConfigureAwait(false);
            var consumer = new StreamIngestionConsumer(
                clients[i].GetDatabase(),
                StreamBatchHandlers.ForStore(new RedisFeatureStore(clients[i].GetDatabase())),
                new StreamIngestionOptions { StreamKey = stream, Group = "bench", ConsumerName = $"bench-{i}", BatchSize = batch, DeadLetterStreamKey = stream + ":dead" });
            running.Add((consumer, consumer.RunAsync(stop.Token)));
        }

        while (true)
        {
            var groups = await client.StreamGroupInfoAsync(stream).ConfigureAwait(false);
            if (groups.Length == 1 && groups[0] is { Lag: 0, PendingMessageCount: 0 })
            {
                break;
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        watch.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        long applied = 0, other = 0;
        foreach (var (consumer, run) in running)
        {
            await run.ConfigureAwait(false);
            var s = consumer.Statistics;
            applied += s.Applied;
            other += s.Duplicate + s.Late + s.Invalid + s.DeadLettered;
            consumer.Dispose();
        }

        foreach (var c in clients)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        var sample = await client.ExecuteAsync("STRLEN", RedisFeatureStore.KeyOf(CustomerId(stream, 0))).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"events={events.Count} customers={customers} batch={batch} consumers={consumers} applied={applied} not_applied={other} publish_s={publishWatch.Elapsed.TotalSeconds:F2} publish_rate={events.Count / publishWatch.Elapsed.TotalSeconds:F0}/s consume_s={watch.Elapsed.TotalSeconds:F2} consume_rate={events.Count / watch.Elapsed.TotalSeconds:F0}/s store_direct_rate={direct.Count / directWatch.Elapsed.TotalSeconds:F0}/s state_bytes={(long)sample}"));
        return applied == events.Count ? 0 : 1;
    }

    // One multiplexer per consumer, as one per process in the service.
    private static Task<ConnectionMultiplexer> Connect(string endpoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { endpoint }, SyncTimeout = 30_000, AsyncTimeout = 30_000 });

    private static string CustomerId(string prefix, int c) => string.Create(CultureInfo.InvariantCulture, $"{prefix.Replace(':', '_')}-c{c}");

    private static List<Event> Generate(string prefix, int customers, int perCustomer)
    {
        var rng = new Random(11);
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1);
        var events = new List<Event>(customers * perCustomer);
        for (var k = 0; k < perCustomer; k++)
        {
            var t = end.AddHours(k - perCustomer + 1);
            for (var c = 0; c < customers; c++)
            {
                events.Add(new Event
                {
                    EventId = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{c}-{k}"),
                    CustomerId = CustomerId(prefix, c),
                    EventTime = Timestamp.FromDateTimeOffset(t.AddSeconds(c)),
                    Transaction = new Transaction { Kind = TransactionKind.Purchase, Amount = Math.Round(10 + (rng.NextDouble() * 290), 2), Currency = "CNY", MerchantCategory = MerchantCategory.Retail },
                });
            }
        }

        return events;
    }
}
