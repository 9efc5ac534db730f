using System.Buffers.Binary;
using Scoring.Features.Store;
using Scoring.Features.Tests.Support;
using Scoring.Testing;
using Scoring.V1;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Scoring.Features.Tests;

/// <summary>Against a real redis-server started for this class.</summary>
public sealed class RedisFeatureStoreTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset s_end = Ev.At(2025, 12, 31, 18);
    // A generous attempt cap: these tests check that nothing is lost under contention, not the cap.
    private static readonly FeatureStoreOptions s_options = new() { Clock = new StoppedClock(s_end.AddDays(1)), MaxCompareAndSetAttempts = 500 };
    private ConnectionMultiplexer _mux = null!;
    private IDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _mux = await Connect();
        _db = _mux.GetDatabase();
    }

    public async Task DisposeAsync() => await _mux.DisposeAsync();

    [Fact]
    public async Task IngestAsync_TypicalYearsInBatches_ReadsEqualOfflineReplay()
    {
        var store = new RedisFeatureStore(_db, s_options);
        var ids = Enumerable.Range(0, 12).Select(i => $"replay-{i}").ToList();
        var log = ids.SelectMany((id, i) => TypicalYear.Generate(s_end, seed: 500 + i, customer: id)).OrderBy(ReferenceFeatures.Time).ToList();
        var profiles = ids.ToDictionary(id => id, id => Ev.Profile(Ev.At(2021, 4, 1), customer: id));
        foreach (var p in profiles.Values)
        {
            Assert.True(await store.UpsertProfileAsync(p));
        }

        long applied = 0;
        foreach (var chunk in log.Chunk(250))
        {
            var summary = await store.IngestAsync(chunk);
            Assert.Equal(chunk.Length, summary.Received);
            Assert.Equal(0, summary.Invalid + summary.Late + summary.Duplicate);
            applied += summary.Applied;
        }

        Assert.Equal(log.Count, applied);
        var asOf = s_end.AddDays(3);
        var read = await store.GetFeaturesAsync(ids, asOf);
        for (var i = 0; i < ids.Count; i++)
        {
            var replayed = FeatureReplay.ComputeFeatures(ids[i], log, profiles[ids[i]], asOf);
            Assert.NotNull(read[i]);
            Assert.Empty(ReferenceFeatures.Differences(read[i]!, replayed));
        }
    }

    [Fact]
    public async Task IngestAsync_EightConcurrentWritersOnTheSameCustomers_LoseNothing()
    {
        var customers = Enumerable.Range(0, 4).Select(i => $"race-{i}").ToArray();
        const int Writers = 8, PerWriter = 500;
        var clients = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Connect()));
        try
        {
            var rng = new Random(42);
            var perWriter = Enumerable.Range(0, Writers).Select(w => Enumerable.Range(0, PerWriter).Select(i =>
                Ev.Purchase(s_end.AddSeconds(-rng.Next(0, 3 * 86400)), 1.25, id: $"w{w}-{i}", customer: customers[rng.Next(customers.Length)])).ToList()).ToList();
            var stores = clients.Select(c => new RedisFeatureStore(c.GetDatabase(), s_options)).ToArray();
            var summaries = await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
            {
                var store = stores[w];
                long applied = 0;
                foreach (var chunk in perWriter[w].Chunk(20))
                {
                    applied += (await store.IngestAsync(chunk)).Applied;
                }

                return applied;
            }));

            Assert.Equal(Writers * PerWriter, summaries.Sum());
            output.WriteLine($"compare-and-set conflicts retried: {stores.Sum(s => s.ConflictRetries)}");
            var features = await new RedisFeatureStore(_db, s_options).GetFeaturesAsync(customers, s_end);
            for (var c = 0; c < customers.Length; c++)
            {
                var sent = perWriter.SelectMany(x => x).Count(e => e.CustomerId == customers[c]);
                Assert.Equal(sent, Ev.Feature(features[c]!, "txn_count_7d"));
                Assert.Equal(sent * 1.25f, Ev.Feature(features[c]!, "txn_amount_7d"), 2);
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MemoryUsage_PerCustomerAfterATypicalYear_IsAtMostTwoKilobytes()
    {
        var store = new RedisFeatureStore(_db, s_options);
        var usages = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var id = $"memory-{i}";
            await store.UpsertProfileAsync(Ev.Profile(Ev.At(2018, 1, 1), customer: id));
            foreach (var chunk in TypicalYear.Generate(s_end, seed: 900 + i, customer: id).Chunk(500))
            {
                await store.IngestAsync(chunk);
            }

            usages.Add(((long?)await _db.ExecuteAsync("MEMORY", "USAGE", RedisFeatureStore.KeyOf(id))).GetValueOrDefault(long.MaxValue));
        }

        output.WriteLine($"MEMORY USAGE after a typical year: min {usages.Min()} B, mean {usages.Average():0} B, max {usages.Max()} B");
        Assert.All(usages, u => Assert.InRange(u, 1, 2048));
    }

    [Fact]
    public async Task IngestAsync_DuplicateLateAndInvalidEvents_AreCountedWithReasonsAndChangeNothing()
    {
        var store = new RedisFeatureStore(_db, s_options);
        const string Id = "mixed-1";
        var first = Ev.Purchase(s_end, 10, id: "m-1", customer: Id);
        Assert.Equal(1, (await store.IngestAsync([first])).Applied);
        var before = (byte[]?)await _db.StringGetAsync(RedisFeatureStore.KeyOf(Id));

        var bad = Ev.Purchase(s_end, double.NaN, id: "m-2", customer: Id);
        var late = Ev.Purchase(s_end.AddDays(-8), 5, id: "m-3", customer: Id);
        var summary = await store.IngestAsync([first.Clone(), bad, late]);

        Assert.Equal((3L, 0L, 1L, 1L, 1L), (summary.Received, summary.Applied, summary.Duplicate, summary.Late, summary.Invalid));
        Assert.Equal(1, summary.InvalidByReason["amount_not_finite"]);
        Assert.Equal(["m-2:amount_not_finite:transaction.amount", "m-3:late:event_time"], summary.Rejections.Select(r => $"{r.EventId}:{r.Reason}:{r.Field}"));
        Assert.Equal(before, (byte[]?)await _db.StringGetAsync(RedisFeatureStore.KeyOf(Id))); // nothing written
    }

    [Fact]
    public async Task UpsertProfileAsync_NewThenAgain_ReportsCreatedThenReplacesAndBumpsTheVersion()
    {
        var store = new RedisFeatureStore(_db, s_options);
        var key = RedisFeatureStore.KeyOf("profile-1");
        Assert.Equal("cust:{profile-1}", key);
        Assert.True(await store.UpsertProfileAsync(Ev.Profile(Ev.At(2020, 1, 1), limit: 5000, customer: "profile-1")));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64BigEndian((byte[]?)await _db.StringGetAsync(key)));
        Assert.False(await store.UpsertProfileAsync(Ev.Profile(Ev.At(2020, 1, 1), limit: 9000, customer: "profile-1")));
        var value = (byte[]?)await _db.StringGetAsync(key);
        Assert.Equal(2UL, BinaryPrimitives.ReadUInt64BigEndian(value));
        Assert.Equal(CustomerState.FormatVersion, value![8]);
        Assert.Equal(9000, Ev.Feature((await store.GetFeaturesAsync("profile-1", s_end))!, "credit_limit"));
    }

    [Fact]
    public async Task UpsertProfileAsync_InvalidProfile_ThrowsNamingTheFieldAndWritesNothing()
    {
        var store = new RedisFeatureStore(_db, s_options);
        var p = Ev.Profile(Ev.At(2020, 1, 1), customer: "profile-bad");
        p.ProductsHeld = 0;
        var ex = await Assert.ThrowsAsync<ProfileValidationException>(() => store.UpsertProfileAsync(p));
        Assert.Equal("profile.products_held", ex.Error.Field);
        Assert.Null((byte[]?)await _db.StringGetAsync(RedisFeatureStore.KeyOf("profile-bad")));
    }

    [Fact]
    public async Task GetStoredValueAsync_DecodedIntoTheReusedState_EqualsGetStateAsyncPerCustomer()
    {
        var store = new RedisFeatureStore(_db, s_options);
        var ids = new[] { "lease-0", "lease-1", "lease-2" };
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await store.IngestAsync(TypicalYear.Generate(s_end, seed: 900 + i, customer: id).ToList());
        }

        Assert.Null(await store.GetStoredValueAsync("lease-nobody"));
        foreach (var id in ids.Concat(ids.Reverse()))
        {
            byte[] bytes;
            float[] features;
            using (var stored = await store.GetStoredValueAsync(id))
            {
                Assert.NotNull(stored);
                // Used before the next await, as the contract asks: the state is reused per thread.
                var state = RedisFeatureStore.ReadState(stored!);
                bytes = state.Serialize();
                features = state.ComputeFeatures(s_end);
            }

            var fresh = await store.GetStateAsync(id);
            Assert.Equal(fresh!.Serialize(), bytes);
            Assert.Empty(ReferenceFeatures.Differences(features, fresh.ComputeFeatures(s_end)));
        }
    }

    [Fact]
    public async Task GetFeaturesAsync_UnknownCustomerAndTooManyIds_ReturnNullAndThrow()
    {
        var store = new RedisFeatureStore(_db, s_options);
        Assert.Null(await store.GetFeaturesAsync("nobody", s_end));
        Assert.Equal([null], await store.GetFeaturesAsync(["nobody"], s_end));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetFeaturesAsync(Enumerable.Range(0, 1001).Select(i => $"c{i}").ToList(), s_end));
    }

    [Fact]
    public async Task IngestAsync_AfterScriptFlush_LoadsTheScriptAndWrites()
    {
        var store = new RedisFeatureStore(_db, s_options);
        Assert.Equal(1, (await store.IngestAsync([Ev.Purchase(s_end, 2, customer: "flush-0")])).Applied);
        await _mux.GetServer(_mux.GetEndPoints()[0]).ScriptFlushAsync();
        var summary = await store.IngestAsync([Ev.Purchase(s_end, 3, customer: "flush-1"), Ev.Purchase(s_end, 4, customer: "flush-2")]);
        Assert.Equal(2, summary.Applied);
        Assert.Equal(1, (await store.IngestAsync([Ev.Purchase(s_end, 5, customer: "flush-3")])).Applied);
        Assert.Equal(1, Ev.Feature((await store.GetFeaturesAsync("flush-2", s_end))!, "txn_count_7d"));
    }

    [Fact]
    public async Task CompareAndSetScript_StaleVersion_DoesNotWrite()
    {
        var key = RedisFeatureStore.KeyOf("cas-1");
        const string Script = RedisFeatureStore.CompareAndSetScriptSource;
        Assert.Equal(1, (long)await _db.ScriptEvaluateAsync(Script, [key], [Array.Empty<byte>(), new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 9 }]));
        Assert.Equal(0, (long)await _db.ScriptEvaluateAsync(Script, [key], [Array.Empty<byte>(), new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 7 }]));
        Assert.Equal(1, (long)await _db.ScriptEvaluateAsync(Script, [key], [new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 }, new byte[] { 0, 0, 0, 0, 0, 0, 0, 2, 8 }]));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 2, 8 }, (byte[]?)await _db.StringGetAsync(key));
    }

    [Fact]
    public async Task Observer_WhileActive_HearsOfCommittedClassChangesWithVersionAndCause()
    {
        var observer = new CountingObserver(s_end);
        var store = new RedisFeatureStore(_db, new FeatureStoreOptions { Clock = s_options.Clock, Observer = observer });

        // Inactive: nothing is classified.
        await store.IngestAsync([.. Enumerable.Range(0, 3).Select(i => Ev.Purchase(s_end.AddHours(-i), 5, id: $"quiet-{i}", customer: "obs-quiet"))]);
        Assert.Equal(0, observer.Classified);
        Assert.Empty(observer.Changes);

        observer.Active = true;
        await store.IngestAsync([Ev.Purchase(s_end.AddHours(-5), 5, id: "obs-e1", customer: "obs-1")]);
        Assert.Empty(observer.Changes); // one purchase in 30 days: still class 0

        await store.IngestAsync([Ev.Purchase(s_end.AddHours(-4), 5, id: "obs-e2", customer: "obs-1"), Ev.Purchase(s_end.AddHours(-3), 5, id: "obs-e3", customer: "obs-1")]);
        Assert.Equal(new StateChange("obs-1", 2, 0, 1, 1, "obs-e3"), Assert.Single(observer.Changes));

        Assert.True(await store.UpsertProfileAsync(Ev.Profile(Ev.At(2021, 4, 1), customer: "obs-1")));
        Assert.Equal(new StateChange("obs-1", 3, 1, 11, 11, string.Empty), observer.Changes[^1]);

        // A resent batch changes nothing, so it reports nothing.
        var before = observer.Changes.Count;
        var resent = await store.IngestAsync([Ev.Purchase(s_end.AddHours(-4), 5, id: "obs-e2", customer: "obs-1")]);
        Assert.Equal(1, resent.Duplicate);
        Assert.Equal(before, observer.Changes.Count);
    }

    /// <summary>Class: 10 with a profile, plus 1 with three or more purchases in the last 30 days.</summary>
    private sealed class CountingObserver(DateTimeOffset asOf) : IStateChangeObserver
    {
        private int _classified;

        public bool Active { get; set; }

        public int Classified => _classified;

        public List<StateChange> Changes { get; } = [];

        public bool IsActive => Active;

        public (int Class, double Score) Classify(CustomerState state)
        {
            Interlocked.Increment(ref _classified);
            var c = (state.HasProfile ? 10 : 0) + (Ev.Feature(state.ComputeFeatures(asOf), "txn_count_30d") >= 3 ? 1 : 0);
            return (c, c);
        }

        public Task OnChangedAsync(IReadOnlyList<StateChange> changes, CancellationToken cancellationToken)
        {
            Changes.AddRange(changes);
            return Task.CompletedTask;
        }
    }

    private Task<ConnectionMultiplexer> Connect() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { redis.Endpoint }, AllowAdmin = true });
}
