using Microsoft.AspNetCore.Builder;
using Scoring.Features.Streams;
using Scoring.Host.Serving;
using StackExchange.Redis;
using Grpc.Net.Client;
using Scoring.Testing;
using Scoring.V1;
using IngestClient = Scoring.V1.Ingest.IngestClient;
using ScoringClient = Scoring.V1.Scoring.ScoringClient;

namespace Scoring.EndToEnd.Tests;

/// <summary>
/// WatchRisk with two replicas of the service on one redis-server, as behind a load balancer:
/// events stored by replica A (IngestEvents, or its Redis Streams consumer) reach a subscriber
/// connected to replica B through the shared changes stream.
/// </summary>
// One collection with the other in-process stream consumers: the prometheus-net counters are process-wide.
[Collection("stream consumers")]
public sealed class WatchRiskReplicaTests(ReplicaPairFixture pair, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ReplicaPairFixture>
{
    [Fact]
    public async Task WatchRisk_OnReplicaB_PushesEachChangeStoredOnAAndReportsTheDelay()
    {
        // Writes the delay from the band change's commit (changed_at, stamped by replica A just
        // before its XADD + PUBLISH) to the push arriving from replica B; load-tests/RESULTS.md
        // quotes it. Not asserted: timings depend on the machine.
        const int Customers = 20;
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, Customers).Select(i => $"replica-delay-{i}").ToArray();
        foreach (var id in ids)
        {
            await IngestOnAAsync([], IngestTests.Profile(id));
            await IngestOnAAsync(WatchRiskTests.LapsedAndReturned(id, now));
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var request = new WatchRiskRequest();
        request.CustomerIds.Add(ids);
        using var watch = pair.ScoresB.WatchRisk(request, cancellationToken: cancel.Token);
        await WaitUntilWatchedAsync(pair.A);

        var delays = new List<double>(Customers);
        foreach (var id in ids)
        {
            var complaints = Enumerable.Range(1, 4).Select(i => WatchRiskTests.OpenComplaint(id, $"{id}-complaint-{i}", now.AddMinutes(-10 + i), $"d{i}")).ToList();
            await IngestOnAAsync(complaints);
            var pushed = await WatchRiskTests.NextAsync(watch);
            delays.Add((DateTime.UtcNow - pushed.ChangedAt.ToDateTime()).TotalMilliseconds);
            Assert.Equal(id, pushed.CustomerId);
        }

        delays.Sort();
        output.WriteLine(FormattableString.Invariant($"WATCHRISK DELAY commit on A -> push from B, {Customers} changes: p50 {delays[Customers / 2]:0.0} ms, max {delays[^1]:0.0} ms, min {delays[0]:0.0} ms"));
    }

    [Fact]
    public async Task WatchRisk_OnReplicaB_HearsOfEventsStoredByReplicaA()
    {
        const string id = "replica-low-high";
        var now = DateTimeOffset.UtcNow;
        await IngestOnAAsync([], IngestTests.Profile(id));
        Assert.Equal(0, (await IngestOnAAsync(WatchRiskTests.LapsedAndReturned(id, now))).Invalid);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var byId = pair.ScoresB.WatchRisk(new WatchRiskRequest { CustomerIds = { id }, SendInitial = true }, cancellationToken: cancel.Token);
        using var everyone = pair.ScoresB.WatchRisk(new WatchRiskRequest { MinBand = RiskBand.High }, cancellationToken: cancel.Token);
        var initial = await WatchRiskTests.NextAsync(byId);
        Assert.Equal(RiskBand.Low, initial.Band);
        await WaitUntilWatchedAsync(pair.A);

        var complaints = Enumerable.Range(1, 4).Select(i => WatchRiskTests.OpenComplaint(id, $"replica-complaint-{i}", now.AddMinutes(-10 + i), $"r{i}")).ToList();
        Assert.Equal(4, (await IngestOnAAsync(complaints)).Applied);

        var pushed = await WatchRiskTests.NextAsync(byId);
        Assert.Equal((id, RiskBand.Low, "replica-complaint-4"), (pushed.CustomerId, pushed.PreviousBand, pushed.CauseEventId));
        Assert.True(pushed.Band >= RiskBand.High, $"band after four open complaints: {pushed.Band}");
        Assert.NotEmpty(pushed.Reasons);
        var broadcast = await WatchRiskTests.NextAsync(everyone);
        Assert.Equal((id, pushed.Band), (broadcast.CustomerId, broadcast.Band));
    }

    [Fact]
    public async Task WatchRisk_OnReplicaB_HearsOfEventsReplicaAConsumedFromTheRedisStream()
    {
        const string id = "replica-stream";
        var now = DateTimeOffset.UtcNow;
        await IngestOnAAsync([], IngestTests.Profile(id));
        await IngestOnAAsync(WatchRiskTests.LapsedAndReturned(id, now));

        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var byId = pair.ScoresB.WatchRisk(new WatchRiskRequest { CustomerIds = { id }, SendInitial = true }, cancellationToken: cancel.Token);
        Assert.Equal(RiskBand.Low, (await WatchRiskTests.NextAsync(byId)).Band);
        await WaitUntilWatchedAsync(pair.A);

        var publisher = new StreamEventPublisher(pair.Redis, "events:in");
        await publisher.PublishAsync([.. Enumerable.Range(1, 4).Select(i => WatchRiskTests.OpenComplaint(id, $"replica-stream-{i}", now.AddMinutes(-10 + i), $"s{i}", ContactTopic.Rates))]);

        // The consumer applies what each read returned, so the first push names whichever complaint tipped the band.
        var pushed = await WatchRiskTests.NextAsync(byId);
        Assert.Equal(RiskBand.Low, pushed.PreviousBand);
        Assert.StartsWith("replica-stream-", pushed.CauseEventId, StringComparison.Ordinal);
        Assert.True(pushed.Band > RiskBand.Low);
    }

    [Fact]
    public async Task WatchRisk_AChangeOlderThanOneAlreadyPushed_IsDropped()
    {
        // Two writers of one customer may append their changes out of commit order: the version decides.
        const string id = "replica-versions";
        await IngestOnAAsync([], IngestTests.Profile(id));
        await IngestOnAAsync(WatchRiskTests.LapsedAndReturned(id, DateTimeOffset.UtcNow));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var byId = pair.ScoresB.WatchRisk(new WatchRiskRequest { CustomerIds = { id }, SendInitial = true }, cancellationToken: cancel.Token);
        Assert.Equal(RiskBand.Low, (await WatchRiskTests.NextAsync(byId)).Band);

        await AppendChangeAsync(id, version: 1000, RiskBand.Low, RiskBand.High, "newer");
        await AppendChangeAsync(id, version: 999, RiskBand.Low, RiskBand.Medium, "older");
        await AppendChangeAsync(id, version: 1001, RiskBand.High, RiskBand.Critical, "newest");

        var first = await WatchRiskTests.NextAsync(byId);
        Assert.Equal((RiskBand.Low, RiskBand.High, "newer"), (first.PreviousBand, first.Band, first.CauseEventId));
        var second = await WatchRiskTests.NextAsync(byId);
        Assert.Equal((RiskBand.High, RiskBand.Critical, "newest"), (second.PreviousBand, second.Band, second.CauseEventId));
    }

    [Fact]
    public async Task Ingestion_WithNoSubscriberOnAnyReplica_WritesNoBandChanges()
    {
        await using var quiet = new ServiceFixture();
        await quiet.StartAsync(new Dictionary<string, string?>());
        await quiet.WaitServingAsync();
        var feed = quiet.Get<RiskChangeFeed>();
        const string id = "nobody-watches";
        var now = DateTimeOffset.UtcNow;
        await IngestAsync(quiet.Ingest, [], IngestTests.Profile(id));
        await IngestAsync(quiet.Ingest, WatchRiskTests.LapsedAndReturned(id, now));
        var complaints = Enumerable.Range(1, 4).Select(i => WatchRiskTests.OpenComplaint(id, $"quiet-{i}", now.AddMinutes(-10 + i), $"q{i}")).ToList();
        Assert.Equal(4, (await IngestAsync(quiet.Ingest, complaints)).Applied);

        Assert.False(feed.IsActive);
        Assert.Equal(0, feed.Published);
        await using var mux = await RedisConnections.ConnectAsync(quiet.Redis.Endpoint);
        var redis = mux.GetDatabase();
        Assert.False(await redis.KeyExistsAsync("risk:changes"));

        // The control: the same kind of change with a subscriber is written.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var watch = quiet.Scores.WatchRisk(new WatchRiskRequest { MinBand = RiskBand.High }, cancellationToken: cancel.Token);
        await WaitUntilWatchedAsync(quiet);
        const string other = "somebody-watches";
        await IngestAsync(quiet.Ingest, [], IngestTests.Profile(other));
        await IngestAsync(quiet.Ingest, WatchRiskTests.LapsedAndReturned(other, now));
        await IngestAsync(quiet.Ingest, Enumerable.Range(1, 4).Select(i => WatchRiskTests.OpenComplaint(other, $"loud-{i}", now.AddMinutes(-10 + i), $"l{i}")));
        Assert.Equal(other, (await WatchRiskTests.NextAsync(watch)).CustomerId);
        Assert.True(await redis.StreamLengthAsync("risk:changes") > 0);
    }

    [Fact]
    public async Task InvalidWatchSetting_FailsAtStartNamingTheSetting()
    {
        await using var app = ServiceFixture.BuildApp(new Dictionary<string, string?>
        {
            ["Endpoints:Grpc"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Endpoints:Metrics"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Endpoints:Http"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Redis:Endpoint"] = pair.A.Redis.Endpoint,
            ["Watch:MaxLength"] = "10",
        });
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Watch:MaxLength", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Waits until a replica's writers compute bands (its own subscriber, or another replica's flag).</summary>
    private static async Task WaitUntilWatchedAsync(ServiceFixture replica)
    {
        var feed = replica.Get<RiskChangeFeed>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!feed.IsActive)
        {
            Assert.True(DateTime.UtcNow < until, "the replica never learned that someone watches");
            await Task.Delay(50);
        }
    }

    private async Task AppendChangeAsync(string id, long version, RiskBand previous, RiskBand band, string cause) =>
        await pair.Redis.StreamAddAsync("risk:changes",
        [
            new NameValueEntry(RiskChangeFeed.CustomerField, id), new NameValueEntry(RiskChangeFeed.VersionField, version), new NameValueEntry(RiskChangeFeed.PreviousField, (long)previous),
            new NameValueEntry(RiskChangeFeed.BandField, (long)band), new NameValueEntry(RiskChangeFeed.ProbabilityField, "0.5"), new NameValueEntry(RiskChangeFeed.CauseField, cause),
            new NameValueEntry(RiskChangeFeed.TimeField, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        ]);

    private Task<IngestSummary> IngestOnAAsync(IEnumerable<Event> events, Profile? profile = null) => IngestAsync(pair.A.Ingest, events, profile);

    private static async Task<IngestSummary> IngestAsync(IngestClient ingest, IEnumerable<Event> events, Profile? profile = null)
    {
        if (profile is not null)
        {
            await ingest.UpsertProfileAsync(new UpsertProfileRequest { Profile = profile }, deadline: DateTime.UtcNow.AddSeconds(30));
        }

        using var call = ingest.IngestEvents(deadline: DateTime.UtcNow.AddMinutes(1));
        foreach (var e in events)
        {
            await call.RequestStream.WriteAsync(e);
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }
}

/// <summary>Replica A (with the Redis Streams consumer) and replica B on one redis-server, shared by the class's tests.</summary>
public sealed class ReplicaPairFixture : IAsyncLifetime
{
    private WebApplication _b = null!;

    public ServiceFixture A { get; } = new();

    private GrpcChannel _channelB = null!;

    /// <summary>scoring.v1.Scoring on replica B.</summary>
    public ScoringClient ScoresB { get; private set; } = null!;

    private ConnectionMultiplexer _mux = null!;

    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await A.StartAsync(new Dictionary<string, string?>
        {
            ["Ingestion:Stream:Enabled"] = "true",
            ["Ingestion:Stream:ConsumerName"] = "replica-a",
            ["Ingestion:Stream:MaxPollDelay"] = "00:00:00.020",
        });
        var port = TestPorts.GetFreeTcpPort();
        _b = ServiceFixture.BuildApp(new Dictionary<string, string?>
        {
            ["Endpoints:Grpc"] = $"127.0.0.1:{port}",
            ["Endpoints:Metrics"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Endpoints:Http"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
            ["Redis:Endpoint"] = A.Redis.Endpoint,
        });
        await _b.StartAsync();
        _channelB = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        ScoresB = new ScoringClient(_channelB);
        await A.WaitServingAsync();
        _mux = await RedisConnections.ConnectAsync(A.Redis.Endpoint);
        Redis = _mux.GetDatabase();
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        _channelB.Dispose();
        await _b.StopAsync();
        await _b.DisposeAsync();
        await A.DisposeAsync();
    }
}
