using Scoring.V1;

namespace Scoring.Decisions.Tests;

public class OfferCatalogueLoaderTests
{
    private const string Contact = "{ \"max_shows\": 3, \"window_days\": 30, \"cooldown_days_after_decline\": 14, \"suppress_days_after_acceptance\": 60 }";

    public static TheoryData<string, string> InvalidOffers => new()
    {
        { TestData.OfferJson(id: ""), "offers[0]: id: is required" },
        { TestData.OfferJson(id: "Bad-Id"), "offers[0]: id: 'Bad-Id' must be lower-case letters, digits and '_'" },
        { TestData.OfferJson(channels: "[\"mobile_app\", \"fax\"]"), "offer 'test_offer': channels[1]: unknown channel 'fax'" },
        { TestData.OfferJson(channels: "[]"), "offer 'test_offer': channels: must list at least one channel" },
        { TestData.OfferJson(eligibility: "{ \"tiers\": [\"gold\"] }"), "offer 'test_offer': eligibility.tiers[0]: unknown tier 'gold' (expected basic, hnw, mass, potential)" },
        { TestData.OfferJson(eligibility: "{ \"stages\": [\"mature\", \"dormant\"] }"), "offer 'test_offer': eligibility.stages[1]: unknown stage 'dormant'" },
        { TestData.OfferJson(eligibility: "{ \"tiers\": [] }"), "offer 'test_offer': eligibility.tiers: must list at least one tier" },
        { TestData.OfferJson(businessValue: -5), "offer 'test_offer': business_value: must be a finite number of at least 0, got -5" },
        { TestData.OfferJson(lever: 0), "offer 'test_offer': lever: must be a finite number above 0, got 0" },
        { TestData.OfferJson(prior: 1.5), "offer 'test_offer': prior: must be a probability from 0 to 1, got 1.5" },
        { TestData.OfferJson(prior: -0.1), "offer 'test_offer': prior: must be a finite number of at least 0, got -0.1" },
        { TestData.OfferJson(contact: Contact.Replace("\"max_shows\": 3", "\"max_shows\": 0", StringComparison.Ordinal)), "offer 'test_offer': contact.max_shows: must be at least 1, got 0" },
        { TestData.OfferJson(contact: Contact.Replace("\"cooldown_days_after_decline\": 14", "\"cooldown_days_after_decline\": -1", StringComparison.Ordinal)), "offer 'test_offer': contact.cooldown_days_after_decline: must be at least 0, got -1" },
        { TestData.OfferJson(contact: Contact.Replace("\"suppress_days_after_acceptance\": 60", "\"suppress_days_after_acceptance\": -7", StringComparison.Ordinal)), "offer 'test_offer': contact.suppress_days_after_acceptance: must be at least 0, got -7" },
        { TestData.OfferJson(contact: "{ \"max_shows\": 3 }"), "offer 'test_offer': contact.window_days: is required" },
        { TestData.OfferJson(contact: Contact.Replace("\"window_days\": 30", "\"window_days\": 21", StringComparison.Ordinal)), "offer 'test_offer': contact.window_days: must be 7, 30 or 90 (the windows the offer history counts shows over), got 21" },
        { TestData.OfferJson(eligibility: "{ \"require\": [{ \"feature\": \"no_such_feature\", \"op\": \">=\", \"value\": 1 }] }"), "offer 'test_offer': eligibility.require[0].feature: unknown feature 'no_such_feature'" },
        { TestData.OfferJson(eligibility: "{ \"require\": [{ \"feature\": \"utilisation\", \"op\": \"=~\", \"value\": 1 }] }"), "offer 'test_offer': eligibility.require[0].op: unknown operator '=~'" },
        { TestData.OfferJson(eligibility: "{ \"forbid\": [{ \"feature\": \"utilisation\", \"op\": \">\" }] }"), "offer 'test_offer': eligibility.forbid[0].value: must be a finite number" },
        { TestData.OfferJson(eligibility: "{ \"min_months_on_book\": -1 }"), "offer 'test_offer': eligibility.min_months_on_book: must be a finite number of at least 0, got -1" },
        { TestData.OfferJson(eligibility: "{ \"max_utilisation\": -0.5 }"), "offer 'test_offer': eligibility.max_utilisation: must be a finite number of at least 0, got -0.5" },
        { TestData.OfferJson(eligibility: "{ \"max_risk_band\": \"extreme\" }"), "offer 'test_offer': eligibility.max_risk_band: unknown risk band 'extreme'" },
        { TestData.OfferJson(category: "credit"), "offer 'test_offer': eligibility.max_late_payments_12m: is required for a credit offer" },
        { TestData.OfferJson(category: "loans"), "offer 'test_offer': category: unknown category 'loans'" },
        { TestData.OfferJson(extra: "\"season\": { \"from\": \"13-01\", \"to\": \"11-11\" },"), "offer 'test_offer': season.from: '13-01' must be a month-day like 11-01" },
        { TestData.OfferJson(extra: "\"season\": { \"from\": \"11-01\", \"to\": \"02-30\" },"), "offer 'test_offer': season.to: '02-30' must be a month-day like 11-11" },
        { TestData.OfferJson(extra: "\"churn_boost\": { \"high\": -1 },"), "offer 'test_offer': churn_boost.high: must be a finite number of at least 0, got -1" },
        { TestData.OfferJson(extra: "\"propensity_model\": \" \","), "offer 'test_offer': propensity_model: must be a model name or omitted" },
        { TestData.OfferJson(why: "Spent {nope} recently"), "offer 'test_offer': why: unknown feature 'nope' in placeholder" },
        { TestData.OfferJson(why: "Spent {txn_amount_90d recently"), "offer 'test_offer': why: unclosed '{' at position 6" },
        { TestData.OfferJson(why: ""), "offer 'test_offer': why: is required" },
        { TestData.OfferJson(extra: "\"eligibilty\": {},"), "offer 'test_offer': eligibilty:" },
        { TestData.OfferJson(extra: "\"lever\": \"high\",").Replace("\"lever\": 1,", "", StringComparison.Ordinal), "offer 'test_offer': lever:" },
    };

    [Theory]
    [MemberData(nameof(InvalidOffers))]
    public void Parse_InvalidOffer_ErrorNamesTheOfferAndTheField(string offerJson, string expected)
    {
        var ex = Assert.Throws<OfferCatalogueException>(() => TestData.Catalogue(offerJson));

        Assert.Contains(ex.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneTogether()
    {
        var json = TestData.CatalogueJson(
            TestData.OfferJson(id: "first", channels: "[\"fax\"]"),
            TestData.OfferJson(id: "second", businessValue: -1, eligibility: "{ \"tiers\": [\"gold\"] }"));

        var ex = Assert.Throws<OfferCatalogueException>(() => OfferCatalogueLoader.Parse(json, TestData.Schema, "my-offers.json"));

        Assert.Equal(3, ex.Errors.Count);
        Assert.StartsWith("my-offers.json: 3 problem(s)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("offer 'first': channels[0]: unknown channel 'fax' (expected call_centre, branch", ex.Message.Replace("branch, call_centre", "call_centre, branch", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(ex.Errors, e => e.StartsWith("offer 'second': business_value:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("offer 'second': eligibility.tiers[0]:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateIds_NamesTheSecondPosition()
    {
        var ex = Assert.Throws<OfferCatalogueException>(() => TestData.Catalogue(TestData.OfferJson(id: "same"), TestData.OfferJson(id: "same")));
        Assert.Equal(["offer 'same': id: appears more than once (offers[1])"], ex.Errors);
    }

    [Theory]
    [InlineData("{ \"offers\": [] }")]
    [InlineData("{ \"version\": \"x\" }")]
    public void Parse_NoOffers_RejectsTheCatalogue(string json)
    {
        var ex = Assert.Throws<OfferCatalogueException>(() => OfferCatalogueLoader.Parse(json, TestData.Schema));
        Assert.Equal(["offers: the catalogue must hold at least one offer"], ex.Errors);
    }

    [Fact]
    public void Parse_MalformedJson_ReportsThePosition()
    {
        var ex = Assert.Throws<OfferCatalogueException>(() => OfferCatalogueLoader.Parse("{ \"offers\": [ {", TestData.Schema));
        Assert.Contains("offers.json", ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Errors);
    }

    [Fact]
    public void Parse_RiskLimitWhoseFeatureTheSchemaLacks_NamesFieldAndFeature()
    {
        var schema = FeatureSchema.FromNames([DecisionFeatures.MonthsOnBook]);
        var ex = Assert.Throws<OfferCatalogueException>(() => OfferCatalogueLoader.Parse(
            TestData.CatalogueJson(TestData.OfferJson(eligibility: "{ \"max_late_payments_12m\": 0 }")), schema));
        Assert.Contains("offer 'test_offer': eligibility.max_late_payments_12m: needs feature 'late_payments_12m', which the feature schema lacks", ex.Errors);
    }

    [Fact]
    public void Parse_ShippedCatalogue_HoldsEveryDomainOfferAndValidates()
    {
        var catalogue = TestData.ShippedCatalogue();

        string[] expected =
        [
            "bill_instalment", "cash_instalment", "credit_limit_increase", "first_swipe_reward", "points_bonus",
            "airline_miles", "annual_fee_waiver", "card_upgrade_platinum", "car_owner_pack", "dining_cashback",
            "double11_promotion", "fitness_pack", "digital_perks", "travel_cobrand_card", "lounge_access",
            "care_contact", "winback_rate", "complaint_follow_up",
        ];
        Assert.Equal(expected, catalogue.Offers.Select(o => o.Id));
        Assert.Equal("2026.11.1", catalogue.Version);
        Assert.All(catalogue.Offers.Where(o => o.Category == "credit"), o => Assert.False(o.AllowsStage(LifecycleStage.Declining)));
    }

    [Fact]
    public void Parse_ValidOffer_CompilesNamesIntoMasks()
    {
        var catalogue = TestData.Catalogue(TestData.OfferJson(
            channels: "[\"SMS\", \"web\"]",
            eligibility: "{ \"tiers\": [\"HNW\"], \"stages\": [\"mature\"] }"));

        var offer = Assert.Single(catalogue.Offers);
        Assert.True(offer.AllowsChannel(Channel.Sms));
        Assert.True(offer.AllowsChannel(Channel.Web));
        Assert.False(offer.AllowsChannel(Channel.MobileApp));
        Assert.False(offer.AllowsChannel(Channel.Unspecified));
        Assert.True(offer.AllowsTier(ValueTier.Hnw));
        Assert.False(offer.AllowsTier(ValueTier.Mass));
        Assert.True(offer.AllowsStage(LifecycleStage.Mature));
        Assert.False(offer.AllowsStage(LifecycleStage.New));
        Assert.Equal(0, catalogue.IndexOf("test_offer"));
        Assert.Equal(-1, catalogue.IndexOf("other"));
    }
}
