using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Scoring.Features;
using Scoring.Host.Infrastructure;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>scoring.v1.Ingest end to end: our client, the real host, a real redis-server.</summary>
[Collection(PopulationCollection.Name)]
public sealed class IngestTests(PopulationFixture population)
{
    private static readonly DateTimeOffset RecentDay = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3);

    [Fact]
    public void IngestEvents_GeneratedPopulation_SummaryAccountsForEveryEvent()
    {
        var s = population.Summary;
        Assert.Equal(population.Events.Count, s.Received);
        Assert.Equal(s.Received, s.Applied + s.Duplicate + s.Late + s.Invalid);
        Assert.Equal(0, s.Invalid);

        // 2% re-deliveries and out-of-order deliveries, delayed at most 3 days: within the 7-day
        // lateness bound, so every re-delivery is a duplicate and nothing is late.
        var distinct = population.Events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count();
        Assert.True(population.Events.Count > distinct, "the generated population should contain re-deliveries");
        Assert.Equal(0, s.Late);
        Assert.Equal(population.Events.Count - distinct, s.Duplicate);
    }

    [Fact]
    public async Task IngestEvents_GeneratedPopulation_StoredFeaturesEqualOfflineReplay()
    {
        var store = population.Service.Get<FeatureStoreAccessor>().Store;
        var asOf = DateTimeOffset.UtcNow;
        var ids = population.EventsByCustomer.Keys.Order(StringComparer.Ordinal).Take(8).ToArray();
        var stored = await store.GetFeaturesAsync(ids, asOf);
        for (var i = 0; i < ids.Length; i++)
        {
            var expected = FeatureReplay.ComputeFeatures(ids[i], population.EventsByCustomer[ids[i]], population.Profiles.GetValueOrDefault(ids[i]), asOf);
            Assert.NotNull(stored[i]);
            AssertSameVector(expected, stored[i]!, ids[i]);
        }
    }

    [Fact]
    public async Task IngestEvents_DuplicateAndInvalidEvents_AreCountedAndChangeNothing()
    {
        const string customer = "ingest-dup-bad";
        var good = Purchase(customer, "dup-1", RecentDay, 42.5);
        var bad = Purchase(customer, "bad-1", RecentDay.AddHours(1), double.NaN);
        var summary = await population.IngestAsync([good, good.Clone(), bad]);

        Assert.Equal(3, summary.Received);
        Assert.Equal(1, summary.Applied);
        Assert.Equal(1, summary.Duplicate);
        Assert.Equal(1, summary.Invalid);
        Assert.Equal(1, summary.InvalidByReason["amount_not_finite"]);
        var rejection = Assert.Single(summary.Rejections);
        Assert.Equal("bad-1", rejection.EventId);
        Assert.Equal("amount_not_finite", rejection.Reason);
        Assert.Equal("transaction.amount", rejection.Field);

        // What is stored is exactly the one good event.
        var asOf = DateTimeOffset.UtcNow;
        var stored = await population.Service.Get<FeatureStoreAccessor>().Store.GetFeaturesAsync(customer, asOf);
        AssertSameVector(FeatureReplay.ComputeFeatures(customer, [good], null, asOf), stored!, customer);
    }

    [Fact]
    public async Task IngestEvents_ManyRejections_ListsTheFirstHundredAndCountsAll()
    {
        var bad = Enumerable.Range(0, 130).Select(i => Purchase("ingest-many-bad", $"neg-{i}", RecentDay, -1)).ToList();
        var summary = await population.IngestAsync(bad);
        Assert.Equal(130, summary.Invalid);
        Assert.Equal(130, summary.InvalidByReason.Values.Sum());
        Assert.Equal(100, summary.Rejections.Count);
        Assert.Equal("neg-0", summary.Rejections[0].EventId);
        Assert.Equal("neg-99", summary.Rejections[99].EventId);
    }

    [Theory]
    [InlineData("credit_limit", "profile.credit_limit")]
    [InlineData("open_date", "profile.open_date")]
    [InlineData("customer_id", "profile.customer_id")]
    public async Task UpsertProfile_WithABadField_IsInvalidArgumentNamingTheField(string field, string expected)
    {
        var profile = Profile("ingest-bad-profile");
        switch (field)
        {
            case "credit_limit":
                profile.CreditLimit = -5;
                break;
            case "open_date":
                profile.OpenDate = null;
                break;
            default:
                profile.CustomerId = "not valid!";
                break;
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => population.UpsertAsync(profile));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(expected, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertProfile_NewThenExisting_ReportsCreatedOnlyTheFirstTime()
    {
        Assert.True((await population.UpsertAsync(Profile("ingest-profile-twice"))).Created);
        Assert.False((await population.UpsertAsync(Profile("ingest-profile-twice"))).Created);
    }

    [Fact]
    public async Task IngestEvents_AfterTraffic_MetricsCountEventsByResult()
    {
        await population.IngestAsync([Purchase("ingest-metrics", "metrics-1", RecentDay, 10), Purchase("ingest-metrics", "metrics-bad", RecentDay, double.PositiveInfinity)]);
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://127.0.0.1:{population.Service.MetricsPort}/metrics");
        Assert.Contains("ingest_events_total{result=\"applied\",source=\"grpc\"}", text, StringComparison.Ordinal);
        Assert.Contains("ingest_events_total{result=\"invalid\",source=\"grpc\"}", text, StringComparison.Ordinal);
    }

    internal static Event Purchase(string customerId, string eventId, DateTimeOffset at, double amount) => new()
    {
        EventId = eventId,
        CustomerId = customerId,
        EventTime = Timestamp.FromDateTimeOffset(at),
        Transaction = new Transaction
        {
            Kind = TransactionKind.Purchase,
            Amount = amount,
            Currency = "EUR",
            MerchantCategory = MerchantCategory.Grocery,
        },
    };

    internal static Profile Profile(string customerId) => new()
    {
        CustomerId = customerId,
        AgeBand = AgeBand._3544,
        IncomeBand = IncomeBand.Middle,
        CardProduct = CardProduct.Gold,
        CreditLimit = 5000,
        OpenDate = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(-3)),
        ProductsHeld = 2,
    };

    internal static void AssertSameVector(float[] expected, float[] actual, string customer)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var f = 0; f < expected.Length; f++)
        {
            Assert.True(
                expected[f].Equals(actual[f]),
                $"{customer}: feature {FeatureCatalogue.Definitions[f].Name} is {actual[f]} in the store but {expected[f]} in replay");
        }
    }
}
