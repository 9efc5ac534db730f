using Google.Protobuf.Collections;
using Scoring.Features;
using Scoring.V1;

namespace Scoring.Decisions.Tests;

public class OfferArbiterTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(ValueTier.Hnw, true)]
    [InlineData(ValueTier.Potential, true)]
    [InlineData(ValueTier.Mass, false)]
    [InlineData(ValueTier.Basic, false)]
    public void Arbitrate_OfferLimitedToTiers_OnlyThoseTiersGetIt(ValueTier tier, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(eligibility: "{ \"tiers\": [\"hnw\", \"potential\"] }"));

        var result = Run(catalogue, TestData.Features(), tier: tier);

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.Tier, ArbitrationStep.Suitability);
    }

    [Theory]
    [InlineData(LifecycleStage.New, true)]
    [InlineData(LifecycleStage.Growing, false)]
    [InlineData(LifecycleStage.Mature, false)]
    [InlineData(LifecycleStage.Declining, false)]
    [InlineData(LifecycleStage.Churned, false)]
    public void Arbitrate_OfferLimitedToStages_OnlyThoseStagesGetIt(LifecycleStage stage, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(eligibility: "{ \"stages\": [\"new\"] }"));

        var result = Run(catalogue, TestData.Features(), stage: stage);

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.Stage, ArbitrationStep.Suitability);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(3, false)]
    public void Arbitrate_LatePayments_BlockCreditLimitIncrease(double latePayments, bool offered)
    {
        var catalogue = TestData.ShippedCatalogue();

        var result = Run(catalogue, TestData.Features((DecisionFeatures.LatePayments12m, latePayments)), maxOffers: 20);

        AssertOffered(result, catalogue, "credit_limit_increase", offered, ExclusionReason.LatePayments, ArbitrationStep.Suitability);
        if (!offered)
        {
            var exclusion = ExclusionOf(result, catalogue, "credit_limit_increase");
            Assert.Equal(
                $"credit_limit_increase: suitability: late_payments_12m {latePayments} above the limit 0",
                OfferArbiter.Describe(catalogue, exclusion));
        }
    }

    [Fact]
    public void Arbitrate_LatePaymentsMissing_CreditOfferExcludedAsRiskDataMissing()
    {
        var catalogue = TestData.ShippedCatalogue();

        var result = Run(catalogue, TestData.Features((DecisionFeatures.LatePayments12m, double.NaN)), maxOffers: 20);

        var exclusion = ExclusionOf(result, catalogue, "credit_limit_increase");
        Assert.Equal(ExclusionReason.RiskDataMissing, exclusion.Reason);
        Assert.Equal("credit_limit_increase: suitability: risk limit cannot be checked: late_payments_12m is missing", OfferArbiter.Describe(catalogue, exclusion));
    }

    [Theory]
    [InlineData(0.85, true)]
    [InlineData(0.86, false)]
    public void Arbitrate_UtilisationAboveLimit_BlocksCreditLimitIncrease(double utilisation, bool offered)
    {
        var catalogue = TestData.ShippedCatalogue();

        var result = Run(catalogue, TestData.Features((DecisionFeatures.Utilisation, utilisation)), maxOffers: 20);

        AssertOffered(result, catalogue, "credit_limit_increase", offered, ExclusionReason.Utilisation, ArbitrationStep.Suitability);
    }

    [Theory]
    [InlineData(RiskBand.Low, true)]
    [InlineData(RiskBand.Medium, true)]
    [InlineData(RiskBand.High, false)]
    [InlineData(RiskBand.Critical, false)]
    public void Arbitrate_ChurnBandAboveLimit_BlocksCreditOffers(RiskBand band, bool offered)
    {
        var catalogue = TestData.ShippedCatalogue();

        var result = Run(catalogue, TestData.Features(), band: band, maxOffers: 20);

        AssertOffered(result, catalogue, "bill_instalment", offered, ExclusionReason.RiskBand, ArbitrationStep.Suitability);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(7, false)]
    public void Arbitrate_ShownUpToTheCapWithinWindow_Excluded(int shownLast30Days, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson()); // cap 3 in 30 days
        var history = History(catalogue, "test_offer", shown7: Math.Min(shownLast30Days, 1), shown30: shownLast30Days, shown90: shownLast30Days + 4, lastShown: Now.AddDays(-1));

        var result = Run(catalogue, TestData.Features(), history: history);

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.ContactCap, ArbitrationStep.Applicability);
        if (!offered)
        {
            Assert.Equal(
                $"test_offer: applicability: shown {shownLast30Days} times in the last 30 days (cap 3)",
                OfferArbiter.Describe(catalogue, ExclusionOf(result, catalogue, "test_offer")));
        }
    }

    [Theory]
    [InlineData(7, 0, 5, 9, true)]
    [InlineData(7, 1, 5, 9, false)]
    [InlineData(90, 0, 0, 1, false)]
    public void Arbitrate_CapWindow_CountsShowsOfThatWindowOnly(int windowDays, int shown7, int shown30, int shown90, bool offered)
    {
        var contact = $"{{ \"max_shows\": 1, \"window_days\": {windowDays}, \"cooldown_days_after_decline\": 0, \"suppress_days_after_acceptance\": 0 }}";
        var catalogue = TestData.Catalogue(TestData.OfferJson(contact: contact));

        var result = Run(catalogue, TestData.Features(), history: History(catalogue, "test_offer", shown7, shown30, shown90, lastShown: Now.AddDays(-1)));

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.ContactCap, ArbitrationStep.Applicability);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(13.99, false)]
    [InlineData(14, true)]
    [InlineData(30, true)]
    public void Arbitrate_DeclinedWithinCooldown_ExcludedAndReturnsWhenCooldownEnds(double daysSinceDecline, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson()); // cooldown 14 days
        var declined = Now.AddDays(-daysSinceDecline);

        var result = Run(catalogue, TestData.Features(), history: History(catalogue, "test_offer", shown30: 1, lastShown: declined, lastDeclined: declined));

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.CooldownAfterDecline, ArbitrationStep.Applicability);
        if (!offered)
        {
            var exclusion = ExclusionOf(result, catalogue, "test_offer");
            Assert.Equal(declined.AddDays(14), exclusion.Until);
            Assert.StartsWith("test_offer: applicability: declined recently; cooldown until ", OfferArbiter.Describe(catalogue, exclusion), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(59.5, false)]
    [InlineData(60, true)]
    public void Arbitrate_AcceptedRecently_SuppressedForConfiguredDays(double daysSinceAcceptance, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson()); // suppress 60 days after acceptance
        var accepted = Now.AddDays(-daysSinceAcceptance);

        var result = Run(catalogue, TestData.Features(), history: History(catalogue, "test_offer", lastAccepted: accepted));

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.SuppressedAfterAcceptance, ArbitrationStep.Applicability);
    }

    [Fact]
    public void Arbitrate_HistoryFromCustomerState_DeclineRecordedByEventsStartsCooldown()
    {
        // The history comes from the real customer state, fed the same events ingestion would apply.
        var catalogue = TestData.Catalogue(TestData.OfferJson(id: "points_offer"), TestData.OfferJson(id: "other_offer"));
        var state = new CustomerState();
        var declinedAt = Now.AddDays(-3);
        Apply(state, "e1", declinedAt.AddMinutes(-1), "points_offer", OfferOutcomeKind.Shown);
        Apply(state, "e2", declinedAt, "points_offer", OfferOutcomeKind.Declined);
        var history = catalogue.Offers.Select(o => (OfferContactHistory?)state.GetOfferHistory(o.Id, Now)).ToArray();

        var result = Run(catalogue, TestData.Features(), history: history);

        Assert.Equal(ExclusionReason.CooldownAfterDecline, ExclusionOf(result, catalogue, "points_offer").Reason);
        Assert.Equal(["other_offer"], Ids(result, catalogue));
    }

    [Theory]
    [InlineData(Channel.MobileApp, true)]
    [InlineData(Channel.CallCentre, true)]
    [InlineData(Channel.Web, false)]
    [InlineData(Channel.Email, false)]
    public void Arbitrate_ChannelNotListed_OfferFilteredOut(Channel channel, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(channels: "[\"mobile_app\", \"call_centre\"]"));

        var result = Run(catalogue, TestData.Features(), channel: channel);

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.Channel, ArbitrationStep.Applicability);
    }

    [Fact]
    public void Arbitrate_EqualScores_BreakTiesByOfferIdOrdinalEveryTime()
    {
        var catalogue = TestData.Catalogue(
            TestData.OfferJson(id: "b_offer"),
            TestData.OfferJson(id: "c_offer"),
            TestData.OfferJson(id: "a_offer"),
            TestData.OfferJson(id: "a_offer2", businessValue: 101));

        for (var i = 0; i < 3; i++)
        {
            var result = Run(catalogue, TestData.Features(), maxOffers: 4);
            Assert.Equal(["a_offer2", "a_offer", "b_offer", "c_offer"], Ids(result, catalogue));
        }
    }

    [Theory]
    [InlineData("2026-10-19T23:59:00+08:00", false)]
    [InlineData("2026-10-20T00:00:00+08:00", true)]
    [InlineData("2026-11-05T12:00:00+08:00", true)]
    [InlineData("2026-11-11T23:59:00+08:00", true)]
    [InlineData("2026-11-12T00:00:00+08:00", false)]
    [InlineData("2026-11-11T17:00:00+00:00", false)] // already 11-12 on the bank's +08:00 calendar
    [InlineData("2026-06-15T12:00:00+08:00", false)]
    public void Arbitrate_Double11Promotion_OnlyInItsSeason(string now, bool offered)
    {
        var catalogue = TestData.ShippedCatalogue();
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        if (at.Offset == TimeSpan.Zero)
        {
            at = at.ToOffset(TimeSpan.FromHours(8));
        }

        var result = Run(catalogue, TestData.Features(), now: at, maxOffers: 20);

        AssertOffered(result, catalogue, "double11_promotion", offered, ExclusionReason.OutOfSeason, ArbitrationStep.Applicability);
    }

    [Theory]
    [InlineData("2026-12-25T10:00:00+08:00", true)]
    [InlineData("2027-01-05T10:00:00+08:00", true)]
    [InlineData("2027-01-06T10:00:00+08:00", false)]
    [InlineData("2026-12-19T10:00:00+08:00", false)]
    public void Arbitrate_SeasonWrappingYearEnd_CoversBothSides(string now, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(extra: "\"season\": { \"from\": \"12-20\", \"to\": \"01-05\" },"));

        var result = Run(catalogue, TestData.Features(), now: DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.OutOfSeason, ArbitrationStep.Applicability);
    }

    [Theory]
    [InlineData(RiskBand.Low, 1.0)]
    [InlineData(RiskBand.Medium, 1.0)]
    [InlineData(RiskBand.High, 1.5)]
    [InlineData(RiskBand.Critical, 2.0)]
    public void Arbitrate_RetentionOfferWithChurnBoost_ContextGrowsWithBand(RiskBand band, double context)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(
            category: "retention", businessValue: 200, lever: 1.2, prior: 0.3,
            extra: "\"churn_boost\": { \"high\": 1.5, \"critical\": 2.0 },"));

        var result = Run(catalogue, TestData.Features(), band: band);

        var c = Assert.Single(result.Recommended.ToArray());
        Assert.Equal(context, c.Context);
        Assert.Equal(0.3 * 200, c.ExpectedValue, 9);
        Assert.Equal(0.3 * context * 200 * 1.2, c.Score, 9);
    }

    [Fact]
    public void Arbitrate_PropensityFromModelOrPrior_ModelValueOnlyForOffersWithAModel()
    {
        var catalogue = TestData.Catalogue(
            TestData.OfferJson(id: "modelled", prior: 0.1, extra: "\"propensity_model\": \"m1\","),
            TestData.OfferJson(id: "modelled_no_output", prior: 0.2, extra: "\"propensity_model\": \"m2\","),
            TestData.OfferJson(id: "prior_only", prior: 0.3));

        var result = Run(catalogue, TestData.Features(), propensities: [0.7, double.NaN, 0.9]);

        var byId = result.Recommended.ToArray().ToDictionary(c => catalogue.Offers[c.OfferIndex].Id, c => c.Propensity);
        Assert.Equal(0.7, byId["modelled"]);
        Assert.Equal(0.2, byId["modelled_no_output"]);
        Assert.Equal(0.3, byId["prior_only"]);
        Assert.Equal(["modelled", "prior_only", "modelled_no_output"], Ids(result, catalogue));
    }

    [Theory]
    [InlineData(2.9, false, ExclusionReason.MonthsOnBook)]
    [InlineData(double.NaN, false, ExclusionReason.MonthsOnBook)]
    [InlineData(3, true, ExclusionReason.MonthsOnBook)]
    public void Arbitrate_MinMonthsOnBook_EligibilityStep(double months, bool offered, ExclusionReason reason)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(eligibility: "{ \"min_months_on_book\": 3 }"));

        var result = Run(catalogue, TestData.Features((DecisionFeatures.MonthsOnBook, months)));

        AssertOffered(result, catalogue, "test_offer", offered, reason, ArbitrationStep.Eligibility);
        if (!offered)
        {
            Assert.Equal(
                double.IsNaN(months) ? "test_offer: eligibility: months_on_book is missing (minimum 3)" : "test_offer: eligibility: months_on_book 2.9 below the minimum 3",
                OfferArbiter.Describe(catalogue, ExclusionOf(result, catalogue, "test_offer")));
        }
    }

    [Theory]
    [InlineData(0.2, true)]
    [InlineData(0.19, false)]
    [InlineData(double.NaN, false)]
    public void Arbitrate_RequiredCondition_MissingValueNeverSatisfiesIt(double share, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(eligibility: "{ \"require\": [{ \"feature\": \"share_online_90d\", \"op\": \">=\", \"value\": 0.2 }] }"));

        var result = Run(catalogue, TestData.Features((DecisionFeatures.ShareOnline90d, share)));

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.RequiredConditionNotMet, ArbitrationStep.Eligibility);
        if (!offered && !double.IsNaN(share))
        {
            Assert.Equal("test_offer: eligibility: requires share_online_90d >= 0.2, value is 0.19", OfferArbiter.Describe(catalogue, ExclusionOf(result, catalogue, "test_offer")));
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(0, true)]
    [InlineData(double.NaN, true)]
    public void Arbitrate_ForbiddenCondition_ExcludesOnlyWhenItHolds(double closed, bool offered)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(eligibility: "{ \"forbid\": [{ \"feature\": \"card_closed\", \"op\": \"==\", \"value\": 1 }] }"));

        var result = Run(catalogue, TestData.Features((DecisionFeatures.CardClosed, closed)));

        AssertOffered(result, catalogue, "test_offer", offered, ExclusionReason.ForbiddenConditionMet, ArbitrationStep.Eligibility);
    }

    [Fact]
    public void Arbitrate_SeveralFailures_ReportsTheFirstStepInOrder()
    {
        // Wrong tier (suitability), wrong channel (applicability) and too new (eligibility): eligibility wins.
        var catalogue = TestData.Catalogue(TestData.OfferJson(channels: "[\"web\"]", eligibility: "{ \"tiers\": [\"hnw\"], \"min_months_on_book\": 12 }"));

        var result = Run(catalogue, TestData.Features((DecisionFeatures.MonthsOnBook, 2)), tier: ValueTier.Basic);

        Assert.Equal(ArbitrationStep.Eligibility, Assert.Single(result.Excluded.ToArray()).Step);
    }

    [Fact]
    public void Arbitrate_MoreCandidatesThanMaxOffers_KeepsBestAndListsTheRestAsRankedOut()
    {
        var catalogue = TestData.Catalogue(
            TestData.OfferJson(id: "low", businessValue: 10),
            TestData.OfferJson(id: "high", businessValue: 300),
            TestData.OfferJson(id: "mid", businessValue: 100));

        var result = Run(catalogue, TestData.Features(), maxOffers: 2);

        Assert.Equal(["high", "mid"], Ids(result, catalogue));
        Assert.Equal("low", catalogue.Offers[Assert.Single(result.RankedOut.ToArray()).OfferIndex].Id);
    }

    [Fact]
    public void Arbitrate_ResultReused_HoldsOnlyTheLatestCall()
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(eligibility: "{ \"tiers\": [\"hnw\"] }"));
        var result = new ArbitrationResult();

        Arbitrate(catalogue, TestData.Features(), result, tier: ValueTier.Mass);
        Assert.Single(result.Excluded.ToArray());
        Arbitrate(catalogue, TestData.Features(), result, tier: ValueTier.Hnw);

        Assert.Empty(result.Excluded.ToArray());
        Assert.Single(result.Recommended.ToArray());
    }

    [Fact]
    public void ToRecommendations_ShippedCatalogueForDecliningCustomer_CareContactWithRenderedWhy()
    {
        var catalogue = TestData.ShippedCatalogue();
        var features = TestData.Features((DecisionFeatures.DaysSinceLastTxn, 104), (DecisionFeatures.Complaints365d, 0));
        var result = Run(catalogue, features, channel: Channel.CallCentre, stage: LifecycleStage.Declining, band: RiskBand.Critical, maxOffers: 3);

        var offers = new RepeatedField<OfferRecommendation>();
        OfferArbiter.ToRecommendations(catalogue, result, features, offers);

        var care = Assert.Single(offers, o => o.OfferId == "care_contact");
        Assert.Equal("Care contact", care.Name);
        Assert.Equal(0.35, care.Propensity);
        Assert.Equal(0.35 * 200, care.ExpectedValue, 9);
        Assert.Equal(0.35 * 200 * 2.0, care.Score, 9);
        Assert.Equal("No card use for 104 days; a care call to ask how we can help", care.Why);
        Assert.DoesNotContain(offers, o => o.OfferId is "credit_limit_increase" or "bill_instalment" or "cash_instalment");
        Assert.Equal(offers.OrderByDescending(o => o.Score).Select(o => o.OfferId), offers.Select(o => o.OfferId));
    }

    [Fact]
    public void Arbitrate_UnspecifiedChannel_ThrowsNamingChannel()
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson());
        var ex = Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), channel: Channel.Unspecified));
        Assert.Contains("Channel", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(-1)]
    public void Arbitrate_MaxOffersOutOfRange_ThrowsNamingMaxOffers(int maxOffers)
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson());
        var ex = Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), maxOffers: maxOffers));
        Assert.Contains("MaxOffers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arbitrate_PropensitiesOfWrongLengthOrRange_ThrowNamingPropensities()
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(extra: "\"propensity_model\": \"m\","));
        Assert.Contains("Propensities has 2", Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), propensities: [0.1, 0.2])).Message, StringComparison.Ordinal);
        Assert.Contains("Propensities[0] (test_offer)", Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), propensities: [1.2])).Message, StringComparison.Ordinal);
        Assert.Contains("Propensities[0] (test_offer)", Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), propensities: [double.PositiveInfinity])).Message, StringComparison.Ordinal);

        // An excluded offer's bad propensity still fails the call.
        var excluded = TestData.Catalogue(TestData.OfferJson(channels: "[\"web\"]", extra: "\"propensity_model\": \"m\","));
        Assert.Throws<ArgumentException>(() => Run(excluded, TestData.Features(), propensities: [-0.1]));
    }

    [Fact]
    public void Arbitrate_FeatureVectorOfWrongLength_ThrowsNamingFeatures()
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson());
        var ex = Assert.Throws<ArgumentException>(() => Run(catalogue, new float[2]));
        Assert.Contains("Features has 2", ex.Message, StringComparison.Ordinal);
    }

    private static ArbitrationResult Run(
        OfferCatalogue catalogue,
        float[] features,
        Channel channel = Channel.MobileApp,
        ValueTier tier = ValueTier.Mass,
        LifecycleStage stage = LifecycleStage.Mature,
        RiskBand band = RiskBand.Low,
        OfferContactHistory?[]? history = null,
        double[]? propensities = null,
        DateTimeOffset? now = null,
        int maxOffers = 3)
    {
        var result = new ArbitrationResult();
        Arbitrate(catalogue, features, result, channel, tier, stage, band, history, propensities, now, maxOffers);
        return result;
    }

    private static void Arbitrate(
        OfferCatalogue catalogue,
        float[] features,
        ArbitrationResult result,
        Channel channel = Channel.MobileApp,
        ValueTier tier = ValueTier.Mass,
        LifecycleStage stage = LifecycleStage.Mature,
        RiskBand band = RiskBand.Low,
        OfferContactHistory?[]? history = null,
        double[]? propensities = null,
        DateTimeOffset? now = null,
        int maxOffers = 3)
    {
        var request = new ArbitrationRequest
        {
            Features = features,
            Channel = channel,
            Tier = tier,
            Stage = stage,
            Band = band,
            History = history ?? [],
            Propensities = propensities ?? [],
            Now = now ?? Now,
            MaxOffers = maxOffers,
        };
        OfferArbiter.Arbitrate(catalogue, request, result);
    }

    [Fact]
    public void Arbitrate_HistoryNotInCatalogueOrder_ThrowsNamingTheEntry()
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(id: "a_offer"), TestData.OfferJson(id: "b_offer"));
        OfferContactHistory?[] history = [new("b_offer", 0, 0, 0, null, null, null), null];

        var ex = Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), history: history));

        Assert.Contains("History[0] is for offer 'b_offer', expected 'a_offer'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("History has 1", Assert.Throws<ArgumentException>(() => Run(catalogue, TestData.Features(), history: [null])).Message, StringComparison.Ordinal);
    }

    private static OfferContactHistory?[] History(
        OfferCatalogue catalogue,
        string offerId,
        int shown7 = 0,
        int shown30 = 0,
        int shown90 = 0,
        DateTimeOffset? lastShown = null,
        DateTimeOffset? lastAccepted = null,
        DateTimeOffset? lastDeclined = null)
    {
        var history = new OfferContactHistory?[catalogue.Count];
        history[catalogue.IndexOf(offerId)] = new OfferContactHistory(offerId, shown7, shown30, shown90, lastShown, lastAccepted, lastDeclined);
        return history;
    }

    private static void Apply(CustomerState state, string eventId, DateTimeOffset at, string offerId, OfferOutcomeKind outcome)
    {
        var result = state.Apply(new Event
        {
            EventId = eventId,
            CustomerId = "c1",
            EventTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at),
            OfferOutcome = new OfferOutcome { OfferId = offerId, Outcome = outcome, Channel = Channel.MobileApp },
        });
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
    }

    private static string[] Ids(ArbitrationResult result, OfferCatalogue catalogue) =>
        [.. result.Recommended.ToArray().Select(c => catalogue.Offers[c.OfferIndex].Id)];

    private static OfferExclusion ExclusionOf(ArbitrationResult result, OfferCatalogue catalogue, string offerId) =>
        Assert.Single(result.Excluded.ToArray(), e => catalogue.Offers[e.OfferIndex].Id == offerId);

    private static void AssertOffered(ArbitrationResult result, OfferCatalogue catalogue, string offerId, bool offered, ExclusionReason reason, ArbitrationStep step)
    {
        var index = catalogue.IndexOf(offerId);
        var exclusions = result.Excluded.ToArray().Where(e => e.OfferIndex == index).ToArray();
        var candidates = result.Recommended.ToArray().Concat(result.RankedOut.ToArray()).Where(c => c.OfferIndex == index).ToArray();
        if (offered)
        {
            Assert.True(exclusions.Length == 0, exclusions.Length == 0 ? "" : OfferArbiter.Describe(catalogue, exclusions[0]));
            Assert.Single(candidates);
        }
        else
        {
            var exclusion = Assert.Single(exclusions);
            Assert.Equal(reason, exclusion.Reason);
            Assert.Equal(step, exclusion.Step);
            Assert.Empty(candidates);
        }
    }
}
