using Google.Protobuf.WellKnownTypes;
using Scoring.Decisions;
using Scoring.Features;
using Scoring.Host.Models;
using Grpc.Core;
using Scoring.Models.Packages;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>scoring.v1.Scoring GetScores and BatchGetScores over the loaded population.</summary>
[Collection(PopulationCollection.Name)]
public sealed class ScoringTests(PopulationFixture population)
{
    private static readonly string ModelsDirectory = ModelRegistry.ResolveDirectory(null);

    /// <summary>The customers with the most events (most varied features).</summary>
    private IEnumerable<string> BusiestCustomers => population.EventsByCustomer
        .OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);

    [Fact]
    public async Task GetScores_ForAPopulationCustomer_EqualsReplayAndTheEvaluatorAtTheSameTime()
    {
        var checkedOffers = 0;
        foreach (var id in BusiestCustomers.Take(4))
        {
            var answer = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.MobileApp, MaxReasons = 5, MaxOffers = 4 });
            var asOf = answer.ScoredAt.ToDateTimeOffset();
            var state = FeatureReplay.Replay(id, population.EventsByCustomer[id], population.Profiles.GetValueOrDefault(id), asOf);
            var features = state.ComputeFeatures(asOf);
            var expected = await ExpectedAsync(features, state, asOf, Channel.MobileApp, maxReasons: 5, maxOffers: 4);

            Assert.Equal(id, answer.CustomerId);
            Assert.Equal(expected.Churn, answer.Churn);
            Assert.Equal(expected.Value, answer.Value);
            Assert.Equal(expected.Offers, answer.Offers);
            Assert.Equal(state.Watermark, answer.NewestEventTime.ToDateTimeOffset());
            Assert.Equal(asOf - state.Watermark!.Value, answer.NewestEventAge.ToTimeSpan());
            Assert.Contains(answer.Models, m => m.Name == "churn" && m.Role == ModelRole.Active);
            Assert.Contains(answer.Models, m => m.Name == "value" && m.Role == ModelRole.Active);
            checkedOffers += answer.Offers.Count;
        }

        Assert.True(checkedOffers > 0, "some of the customers should have offers to compare");
    }

    [Fact]
    public async Task GetScores_WithOnlyChurnAsked_LeavesTheOtherPartsOut()
    {
        var id = BusiestCustomers.First();
        var answer = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.CallCentre, Include = { ScorePart.Churn } });
        Assert.NotNull(answer.Churn);
        Assert.Empty(answer.Churn.Reasons);
        Assert.Null(answer.Value);
        Assert.Empty(answer.Offers);
        Assert.Equal("churn", Assert.Single(answer.Models).Name);
    }

    [Theory]
    [InlineData("", "customer_id")]
    [InlineData("has space", "customer_id")]
    [InlineData("ÄÖÜ", "customer_id")]
    [InlineData("x123456789012345678901234567890123456789012345678901234567890abcd", "customer_id")]
    public async Task GetScores_WithAMalformedCustomerId_IsInvalidArgumentNamingTheField(string id, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.Web }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(field, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0, "channel")]
    [InlineData(99, 0, 0, "channel")]
    [InlineData(1, 21, 0, "max_offers")]
    [InlineData(1, -1, 0, "max_offers")]
    [InlineData(1, 0, 11, "max_reasons")]
    public async Task GetScores_WithABadOption_IsInvalidArgumentNamingTheField(int channel, int maxOffers, int maxReasons, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => population.GetScoresAsync(new GetScoresRequest
        {
            CustomerId = BusiestCustomers.First(),
            Channel = (Channel)channel,
            MaxOffers = maxOffers,
            MaxReasons = maxReasons,
        }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetScores_ForAnUnknownCustomer_IsNotFoundNamingTheId()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => population.GetScoresAsync(new GetScoresRequest { CustomerId = "nobody-here-42", Channel = Channel.Web }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("nobody-here-42", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetScores_ForACustomerWithAProfileOnly_IsScored()
    {
        await population.UpsertAsync(IngestTests.Profile("scoring-profile-only"));
        var answer = await population.GetScoresAsync(new GetScoresRequest { CustomerId = "scoring-profile-only", Channel = Channel.Branch });
        Assert.Equal(LifecycleStage.New, answer.Value.Stage);
        Assert.Null(answer.NewestEventTime);
    }

    [Fact]
    public async Task GetScores_AfterTheTopOfferIsDeclined_LeavesItOutForItsCooldown()
    {
        foreach (var source in BusiestCustomers)
        {
            // A copy of a population customer under its own id, so other tests' replays stay exact.
            var id = "decline-" + source;
            await CopyCustomerAsync(source, id);
            var before = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.MobileApp, Include = { ScorePart.Offers } });
            if (before.Offers.Count == 0)
            {
                continue;
            }

            var declined = before.Offers[0].OfferId;
            var summary = await population.IngestAsync([new Event
            {
                EventId = $"decline-{declined}",
                CustomerId = id,
                EventTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                OfferOutcome = new OfferOutcome { OfferId = declined, Outcome = OfferOutcomeKind.Declined, Channel = Channel.MobileApp },
            }]);
            Assert.Equal(1, summary.Applied);

            var after = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.MobileApp, Include = { ScorePart.Offers } });
            Assert.DoesNotContain(after.Offers, o => o.OfferId == declined);
            return;
        }

        Assert.Fail("no customer of the population has an offer on the mobile app");
    }

    private async Task CopyCustomerAsync(string source, string id)
    {
        if (population.Profiles.TryGetValue(source, out var profile))
        {
            var copy = profile.Clone();
            copy.CustomerId = id;
            await population.UpsertAsync(copy);
        }

        await population.IngestAsync(population.EventsByCustomer[source].Select(e =>
        {
            var copy = e.Clone();
            copy.CustomerId = id;
            return copy;
        }));
    }

    [Fact]
    public async Task BatchGetScores_MixedIds_AnswersEachInOrderWithPerEntryErrors()
    {
        var good = BusiestCustomers.Take(3).ToArray();
        var request = new BatchGetScoresRequest { Channel = Channel.Web, CustomerIds = { good[0], "bad id", good[1], "unknown-customer", good[0], good[2] } };
        var response = await population.Scores.BatchGetScoresAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(request.CustomerIds, response.Entries.Select(e => e.CustomerId));
        Assert.Equal((int)StatusCode.InvalidArgument, response.Entries[1].Error.Code);
        Assert.Contains("customer_id", response.Entries[1].Error.Message, StringComparison.Ordinal);
        Assert.Equal((int)StatusCode.NotFound, response.Entries[3].Error.Code);
        foreach (var i in new[] { 0, 2, 4, 5 })
        {
            var single = await population.GetScoresAsync(new GetScoresRequest { CustomerId = request.CustomerIds[i], Channel = Channel.Web });
            var entry = response.Entries[i].Scores;
            Assert.NotNull(entry);
            Assert.Equal(single.Churn, entry.Churn);
            Assert.Equal(single.Value.Tier, entry.Value.Tier);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task BatchGetScores_WithTooFewOrTooManyIds_IsInvalidArgumentNamingTheField(int count)
    {
        var request = new BatchGetScoresRequest { Channel = Channel.Web };
        request.CustomerIds.AddRange(Enumerable.Range(0, count).Select(i => $"c{i}"));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await population.Scores.BatchGetScoresAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("customer_ids", ex.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>The answer computed independently: packages loaded here, evaluator, decisions library.</summary>
    private static async Task<CustomerScores> ExpectedAsync(float[] features, CustomerState state, DateTimeOffset asOf, Channel channel, int maxReasons, int maxOffers)
    {
        var churn = ModelPackage.Load(Path.Combine(ModelsDirectory, "churn"));
        var value = ModelPackage.Load(Path.Combine(ModelsDirectory, "value"));
        var churnRow = Row(churn, features);
        var p = churn.Model.Predict(churnRow);
        var band = RiskBandThresholds.FromManifest(churn.Manifest.ScoreBands!).Classify(p);
        var contributions = new double[churnRow.Length + 1];
        churn.Model.TreeShap(churnRow, contributions);
        var expected = new CustomerScores { Churn = new ChurnRisk { Probability = p, Band = band } };
        new ReasonWriter(FeatureSchema.FromNames([.. churn.Manifest.Features.Select(f => f.Name)])).Write(contributions, churnRow, maxReasons, expected.Churn.Reasons);

        var valueScore = value.Model.Predict(Row(value, features));
        expected.Value = new ValueAssessor(FeatureSchema.Catalogue, ValueTierCutPoints.FromManifest(value.Manifest.TierCutPoints!)).Assess(valueScore, features);

        var catalogue = await OfferCatalogueLoader.LoadFileAsync(Path.Combine(AppContext.BaseDirectory, "offers.json"), FeatureSchema.Catalogue);
        var propensities = new double[catalogue.Count];
        var history = new OfferContactHistory?[catalogue.Count];
        for (var i = 0; i < catalogue.Count; i++)
        {
            var offer = catalogue.Offers[i];
            history[i] = state.GetOfferHistory(offer.Id, asOf);
            var dir = Path.Combine(ModelsDirectory, "offers", offer.Id);
            propensities[i] = offer.PropensityModel is not null && Directory.Exists(dir) ? Predict(ModelPackage.Load(dir), features) : double.NaN;
        }

        var result = new ArbitrationResult();
        OfferArbiter.Arbitrate(catalogue, new ArbitrationRequest
        {
            Features = features,
            Channel = channel,
            Tier = expected.Value.Tier,
            Stage = expected.Value.Stage,
            Band = band,
            Propensities = propensities,
            History = history,
            Now = asOf,
            MaxOffers = maxOffers,
        }, result);
        OfferArbiter.ToRecommendations(catalogue, result, features, expected.Offers);
        return expected;
    }

    private static float[] Row(ModelPackage package, float[] features) =>
        [.. package.Manifest.Features.Select(f => features[FeatureCatalogue.IndexOf(f.Name)])];

    private static double Predict(ModelPackage package, float[] features) => package.Model.Predict(Row(package, features));
}
