using Scoring.Features.Store;
using Scoring.Features.Streams;
using Scoring.Features.Tests.Support;
using Scoring.Testing;
using StackExchange.Redis;
using static Scoring.Features.Tests.Streams.StreamTestSupport;

namespace Scoring.Features.Tests.Streams;

/// <summary>
/// The consumer against a real redis-server, with the real Redis feature store as the handler
/// (wrapped where a test needs it to fail). One class, so tests run one after another and the
/// (process-wide) ingest_events_total counter moves only by the consumer of the running test.
/// </summary>
public sealed class StreamIngestionConsumerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Group = "scoring";
    private ConnectionMultiplexer _mux = null!;
    private IDatabase _client = null!;
    private RedisFeatureStore _store = null!;

    public async Task InitializeAsync()
    {
        _mux = await RedisConnections.ConnectAsync(redis.Endpoint);
        _client = _mux.GetDatabase();
        _store = new RedisFeatureStore(_client);
    }

    public async Task DisposeAsync() => await _mux.DisposeAsync();

    [Fact]
    public async Task RunAsync_PublishedEvents_AppliesAllAcknowledgesAllAndMatchesReplay()
    {
        var stream = Unique("happy");
        var log = Purchases(stream, customers: 20, perCustomer: 50);
        await new StreamEventPublisher(_client, stream).PublishAsync(log);
        using var metrics = new IngestionListener(stream, Group);

        await using (var consumer = Start(Options(stream, "a"), StreamBatchHandlers.ForStore(_store)))
        {
            await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
            await WaitUntilAsync(() => Task.FromResult(metrics.Gauge("ingest_stream_lag") == 0 && metrics.Gauge("ingest_stream_pending") == 0), "the gauges read 0");
            await consumer.StopAsync();
            var stats = consumer.Consumer.Statistics;
            Assert.Equal(log.Count, stats.Applied);
            Assert.Equal(log.Count, stats.Acknowledged);
            Assert.Equal(0, stats.Duplicate + stats.Late + stats.Invalid + stats.DeadLettered + stats.HandlerFailures);
        }

        Assert.Equal(log.Count, metrics.Count("applied"));
        Assert.Equal(0, metrics.Count("dead_lettered"));
        Assert.Equal(0, await _client.StreamLengthAsync(stream + ":dead"));
        await AssertStoreEqualsReplayAsync(_store, log);
    }

    [Fact]
    public async Task RunAsync_HandlerFailsBeforeApplying_RedeliversAndAppliesEachEventOnce()
    {
        var stream = Unique("retry");
        var log = Purchases(stream, customers: 10, perCustomer: 30);
        await new StreamEventPublisher(_client, stream).PublishAsync(log);
        var store = StreamBatchHandlers.ForStore(_store);
        var calls = 0;
        // The first batch and both its halves fail (as when the store is down), so the batch is
        // left pending and must come back through XAUTOCLAIM.
        StreamBatchHandler flaky = (events, ct) => Interlocked.Increment(ref calls) <= 3
            ? throw new InvalidOperationException("store unavailable")
            : store(events, ct);

        await using (var consumer = Start(Options(stream, "a"), flaky))
        {
            await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
            await consumer.StopAsync();
            var stats = consumer.Consumer.Statistics;
            Assert.Equal(3, stats.HandlerFailures);
            Assert.True(stats.Claimed > 0, "the failed batch was claimed again");
            Assert.Equal(log.Count, stats.Applied);
            Assert.Equal(0, stats.Duplicate + stats.DeadLettered);
        }

        await AssertStoreEqualsReplayAsync(_store, log);
    }

    [Fact]
    public async Task RunAsync_HandlerAppliesThenFailsBeforeAck_RedeliveryIsDuplicateAndEffectIsOnce()
    {
        var stream = Unique("crashack");
        var log = Purchases(stream, customers: 10, perCustomer: 30);
        await new StreamEventPublisher(_client, stream).PublishAsync(log);
        var store = StreamBatchHandlers.ForStore(_store);
        var firstBatch = 0;
        // Like a crash between the store's write and XACK: the events are applied, not acknowledged.
        StreamBatchHandler applyThenFail = async (events, ct) =>
        {
            var result = await store(events, ct);
            if (Interlocked.CompareExchange(ref firstBatch, events.Count, 0) == 0)
            {
                throw new IOException("connection lost before the acknowledgement");
            }

            return result;
        };

        await using (var consumer = Start(Options(stream, "a"), applyThenFail))
        {
            await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
            await consumer.StopAsync();
            var stats = consumer.Consumer.Statistics;
            Assert.Equal(firstBatch, stats.Duplicate);
            Assert.Equal(log.Count - firstBatch, stats.Applied);
            Assert.Equal(log.Count, stats.Acknowledged);
        }

        await AssertStoreEqualsReplayAsync(_store, log);
    }

    [Fact]
    public async Task RunAsync_PoisonEvent_IsDeadLetteredAfterMaxAttemptsAndTheRestApplied()
    {
        var stream = Unique("poison");
        var log = Purchases(stream, customers: 10, perCustomer: 30);
        var poison = log[137];
        var ids = await new StreamEventPublisher(_client, stream).PublishAsync(log);
        var store = StreamBatchHandlers.ForStore(_store);
        StreamBatchHandler handler = (events, ct) => events.Any(e => e.Event.EventId == poison.EventId)
            ? throw new FormatException("handler cannot process this event")
            : store(events, ct);
        var options = Options(stream, "a");

        await using (var consumer = Start(options, handler))
        {
            await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
            await consumer.StopAsync();
            var stats = consumer.Consumer.Statistics;
            Assert.Equal(1, stats.DeadLettered);
            Assert.Equal(log.Count - 1, stats.Applied);
        }

        var dead = await ReadDeadLettersAsync(options.DeadLetterStreamKey);
        var letter = Assert.Single(dead);
        Assert.Equal(ids[137], Text(letter, "id"));
        Assert.Equal(StreamEntryFormat.Encode(poison), Field(letter, "e"));
        Assert.StartsWith("max_deliveries_exceeded", Text(letter, "reason"), StringComparison.Ordinal);
        Assert.Equal((options.MaxDeliveryAttempts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Text(letter, "deliveries"));
        var others = log.Where(e => e.EventId != poison.EventId).ToList();
        await AssertStoreEqualsReplayAsync(_store, others);
    }

    [Fact]
    public async Task RunAsync_UndecodableEntries_AreDeadLetteredAtOnceWithoutCallingTheHandler()
    {
        var stream = Unique("garbage");
        var good = Purchases(stream, customers: 1, perCustomer: 1);
        var garbled = (string)(await _client.StreamAddAsync(stream, StreamEntryFormat.EventField, "not protobuf"u8.ToArray()))!;
        var noField = (string)(await _client.StreamAddAsync(stream, "payload", "hello"))!;
        await new StreamEventPublisher(_client, stream).PublishAsync(good);
        var store = StreamBatchHandlers.ForStore(_store);
        var handled = 0;
        StreamBatchHandler counting = (events, ct) =>
        {
            Interlocked.Add(ref handled, events.Count);
            return store(events, ct);
        };
        var options = Options(stream, "a");

        await using (var consumer = Start(options, counting))
        {
            await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
            await consumer.StopAsync();
            var stats = consumer.Consumer.Statistics;
            Assert.Equal(2, stats.DeadLettered);
            Assert.Equal(1, stats.Applied);
            Assert.Equal(0, stats.HandlerFailures);
        }

        Assert.Equal(1, handled);
        var dead = await ReadDeadLettersAsync(options.DeadLetterStreamKey);
        Assert.Equal([garbled, noField], dead.Select(d => Text(d, "id")));
        Assert.All(dead, d => Assert.StartsWith("undecodable:", Text(d, "reason"), StringComparison.Ordinal));
        Assert.All(dead, d => Assert.Equal("1", Text(d, "deliveries")));
        Assert.Equal("not protobuf"u8.ToArray(), Field(dead[0], "e"));
    }

    [Fact]
    public async Task RunAsync_ConsumerStopsWithoutAcking_AnotherClaimsItsEntriesAfterIdleTimeAndFinishes()
    {
        var stream = Unique("claim");
        var log = Purchases(stream, customers: 10, perCustomer: 40);
        await new StreamEventPublisher(_client, stream).PublishAsync(log);
        var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Consumer A takes a batch and never finishes it (a stalled or dying replica).
        StreamBatchHandler stalls = async (events, ct) =>
        {
            read.TrySetResult(events.Count);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

        int takenByA;
        await using (var a = Start(Options(stream, "a"), stalls))
        {
            takenByA = await read.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var pendingOfA = await _client.StreamPendingMessagesAsync(stream, Group, 1000, "a");
        Assert.Equal(takenByA, pendingOfA.Length);

        await using (var b = Start(Options(stream, "b"), StreamBatchHandlers.ForStore(_store)))
        {
            await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
            await b.StopAsync();
            var stats = b.Consumer.Statistics;
            Assert.Equal(takenByA, stats.Claimed);
            Assert.Equal(log.Count, stats.Applied);
        }

        Assert.Empty(await _client.StreamPendingMessagesAsync(stream, Group, 1000, "a"));
        await AssertStoreEqualsReplayAsync(_store, log);
    }

    [Fact]
    public async Task RunAsync_TwoConsumersInOneGroup_ShareTheWorkAndApplyEachEventOnce()
    {
        var stream = Unique("share");
        var log = Purchases(stream, customers: 40, perCustomer: 50);
        var store = StreamBatchHandlers.ForStore(_store);
        // A short pause per batch keeps either consumer from taking everything on a fast machine.
        StreamBatchHandler slowed = async (events, ct) =>
        {
            await Task.Delay(5, ct);
            return await store(events, ct);
        };
        var options = new[] { Options(stream, "a"), Options(stream, "b") };
        foreach (var o in options)
        {
            o.ClaimIdleTime = TimeSpan.FromSeconds(30); // no claims: each entry is delivered once
        }

        await using var a = Start(options[0], slowed);
        await using var b = Start(options[1], slowed);
        await new StreamEventPublisher(_client, stream).PublishAsync(log);
        await WaitUntilAsync(() => DrainedAsync(_client, stream, Group), "lag and pending are 0");
        await a.StopAsync();
        await b.StopAsync();

        var sa = a.Consumer.Statistics;
        var sb = b.Consumer.Statistics;
        Assert.True(sa.Applied > 0 && sb.Applied > 0, $"both consumers applied events (a {sa.Applied}, b {sb.Applied})");
        Assert.Equal(log.Count, sa.Applied + sb.Applied);
        Assert.Equal(0, sa.Duplicate + sb.Duplicate + sa.Late + sb.Late);
        await AssertStoreEqualsReplayAsync(_store, log);
    }

    private static StreamIngestionOptions Options(string stream, string consumer) => new()
    {
        StreamKey = stream,
        Group = Group,
        ConsumerName = consumer,
        BatchSize = 100,
        MaxPollDelay = TimeSpan.FromMilliseconds(20),
        ClaimIdleTime = TimeSpan.FromMilliseconds(300),
        ClaimInterval = TimeSpan.FromMilliseconds(100),
        MetricsInterval = TimeSpan.FromMilliseconds(100),
        ErrorDelay = TimeSpan.FromMilliseconds(50),
        MaxDeliveryAttempts = 3,
        DeadLetterStreamKey = stream + ":dead",
    };

    private RunningConsumer Start(StreamIngestionOptions options, StreamBatchHandler handler) => new(new StreamIngestionConsumer(_client, handler, options));

    private Task<StreamEntry[]> ReadDeadLettersAsync(string key) => _client.StreamRangeAsync(key);

    private static byte[] Field(StreamEntry entry, string name) => (byte[])entry.Values.Single(f => f.Name == name).Value!;

    private static string Text(StreamEntry entry, string name) => System.Text.Encoding.UTF8.GetString(Field(entry, name));

    /// <summary>A consumer running on its own task; disposal stops it and surfaces any fault.</summary>
    private sealed class RunningConsumer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        public RunningConsumer(StreamIngestionConsumer consumer)
        {
            Consumer = consumer;
            _run = Task.Run(() => consumer.RunAsync(_stop.Token));
        }

        public StreamIngestionConsumer Consumer { get; }

        /// <summary>Stops the loop and waits for it, so the statistics are final.</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            Consumer.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// Reads the prometheus-net ingestion metrics: ingest_events_total{source="stream"} by result
    /// since this listener was created, and the gauges of one stream and group (null when the
    /// series does not exist).
    /// </summary>
    private sealed class IngestionListener : IDisposable
    {
        private static readonly string[] s_results = ["applied", "duplicate", "late", "invalid", "dead_lettered"];
        private readonly Dictionary<string, double> _baseline;
        private readonly string _stream;
        private readonly string _group;

        public IngestionListener(string stream, string group)
        {
            _stream = stream;
            _group = group;
            _baseline = s_results.ToDictionary(r => r, Total, StringComparer.Ordinal);
        }

        public long Count(string result) => (long)(Total(result) - _baseline[result]);

        public long? Gauge(string name)
        {
            var gauge = name switch
            {
                "ingest_stream_lag" => IngestionInstruments.StreamLag,
                "ingest_stream_pending" => IngestionInstruments.StreamPending,
                _ => throw new ArgumentException($"unknown gauge {name}", nameof(name)),
            };
            return gauge.GetAllLabelValues().Any(l => l.SequenceEqual([_group, _stream]))
                ? (long)gauge.WithLabels(_group, _stream).Value
                : null;
        }

        public void Dispose()
        {
        }

        private static double Total(string result) => IngestionInstruments.Events.WithLabels(result, IngestionInstruments.SourceStream).Value;
    }
}
