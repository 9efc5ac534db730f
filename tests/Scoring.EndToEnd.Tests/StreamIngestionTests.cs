using Microsoft.Extensions.Options;
using Scoring.Features;
using Scoring.Features.Streams;
using Scoring.Host.Infrastructure;
using StackExchange.Redis;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>
/// The Redis Streams ingestion path as the host wires it ("Ingestion:Stream"): a real
/// redis-server, the real host with the consumer enabled, events published by a producer.
/// The consumer's own semantics (claims, retries, crash) are tested in Scoring.Features.Tests.
/// </summary>
// One collection with the other in-process stream consumers: the prometheus-net counters are process-wide.
[Collection("stream consumers")]
public sealed class StreamIngestionTests : IAsyncLifetime
{
    private const string Stream = "events:in";
    private const string DeadLetters = "events:in:dead";
    private readonly ServiceFixture _service = new();
    private ConnectionMultiplexer _mux = null!;
    private IDatabase _producer = null!;

    public async Task InitializeAsync()
    {
        await _service.StartAsync(new Dictionary<string, string?>
        {
            ["Ingestion:Stream:Enabled"] = "true",
            ["Ingestion:Stream:ConsumerName"] = "e2e-replica-1",
            ["Ingestion:Stream:MaxPollDelay"] = "00:00:00.020",
            ["Ingestion:Stream:MetricsInterval"] = "00:00:00.200",
        });
        await _service.WaitServingAsync();
        _mux = await RedisConnections.ConnectAsync(_service.Redis.Endpoint);
        _producer = _mux.GetDatabase();
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task PublishedEvents_AreAppliedOnceAcknowledgedAndCounted_GarbageIsDeadLettered()
    {
        var day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-2);
        var events = Enumerable.Range(0, 40)
            .Select(i => IngestTests.Purchase($"stream-c{i % 4}", $"stream-e{i}", day.AddMinutes(i), 10 + i))
            .ToList();
        // The prometheus-net counters are process-wide (other tests' in-process replicas consume
        // streams too): what this test counts is the increase from here.
        using var http = new HttpClient();
        var metricsUrl = $"http://127.0.0.1:{_service.MetricsPort}/metrics";
        var before = await http.GetStringAsync(metricsUrl);
        string Series(string result, double increase) =>
            FormattableString.Invariant($"ingest_events_total{{result=\"{result}\",source=\"stream\"}} {Sample(before, result) + increase}");
        var publisher = new StreamEventPublisher(_producer, Stream);
        await publisher.PublishAsync(events);
        await publisher.PublishAsync(events[0].Clone()); // a re-delivery by the producer
        await _producer.StreamAddAsync(Stream, StreamEntryFormat.EventField, "not an event"u8.ToArray());

        // The consumer creates its group when it first runs, which on a busy machine can be
        // after the events above were published (it starts from "0", so it still reads them).
        await WaitUntilAsync(async () =>
        {
            var groups = await _producer.StreamGroupInfoAsync(Stream);
            return groups is [{ Lag: 0, PendingMessageCount: 0 }];
        }, "the group drained (lag and pending 0)");

        var group = Assert.Single(await _producer.StreamGroupInfoAsync(Stream));
        Assert.Equal("scoring", group.Name);
        Assert.Equal(1, await _producer.StreamLengthAsync(DeadLetters));

        var store = _service.Get<FeatureStoreAccessor>().Store;
        var asOf = DateTimeOffset.UtcNow;
        foreach (var customer in events.GroupBy(e => e.CustomerId))
        {
            var stored = await store.GetFeaturesAsync(customer.Key, asOf);
            Assert.NotNull(stored);
            IngestTests.AssertSameVector(FeatureReplay.ComputeFeatures(customer.Key, [.. customer], null, asOf), stored!, customer.Key);
        }

        // The lag gauge is refreshed from XINFO every MetricsInterval (200 ms here), so it may
        // trail the drained group for a moment; a dead letter is counted when the script that
        // moves (and acknowledges) it has returned, so its counter may trail too.
        const string drainedLag = "ingest_stream_lag{group=\"scoring\",stream=\"events:in\"} 0";
        var deadLettered = Series("dead_lettered", 1);
        var text = "";
        await WaitUntilAsync(async () =>
        {
            text = await http.GetStringAsync(metricsUrl);
            return text.Contains(drainedLag, StringComparison.Ordinal) && text.Contains(deadLettered, StringComparison.Ordinal);
        }, "the lag gauge reads 0 and the dead letter is counted");

        // Applied and duplicate events are counted before their XACK, so a drained group means counted.
        Assert.Contains(Series("applied", 40), text, StringComparison.Ordinal);
        Assert.Contains(Series("duplicate", 1), text, StringComparison.Ordinal);
        Assert.Contains(deadLettered, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidStreamSetting_FailsAtStartNamingTheSetting()
    {
        await using var app = ServiceFixture.BuildApp(new Dictionary<string, string?>
        {
            ["Endpoints:Grpc"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Endpoints:Metrics"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Endpoints:Http"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Redis:Endpoint"] = _service.Redis.Endpoint,
            ["Ingestion:Stream:Enabled"] = "true",
            ["Ingestion:Stream:BatchSize"] = "0",
        });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Ingestion:Stream:BatchSize", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The value of ingest_events_total{result, source="stream"} in an exposition (0 when absent).</summary>
    private static double Sample(string exposition, string result)
    {
        var prefix = $"ingest_events_total{{result=\"{result}\",source=\"stream\"}} ";
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what}: not within 60 s");
            await Task.Delay(100);
        }
    }
}
