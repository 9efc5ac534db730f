using Scoring.V1;

namespace Scoring.Decisions.Tests;

/// <summary>Feature vectors, catalogues and offers for the decision tests, on the real feature catalogue.</summary>
internal static class TestData
{
    /// <summary>The live feature vector, as the feature catalogue declares it.</summary>
    public static readonly FeatureSchema Schema = FeatureSchema.Catalogue;

    public static readonly ValueTierCutPoints CutPoints = ValueTierCutPoints.Create(mass: 500, potential: 2000, hnw: 10000);

    /// <summary>An ordinary mature customer: active, clean record, some of every spend type;
    /// features not set here are 0.</summary>
    public static float[] Features(params (string Name, double Value)[] overrides)
    {
        var values = new float[Schema.Count];
        Set(values, DecisionFeatures.DaysSinceLastTxn, 3);
        Set(values, DecisionFeatures.TxnCount30d, 14);
        Set(values, DecisionFeatures.TxnCount90d, 40);
        Set(values, DecisionFeatures.TxnAmount90d, 12000);
        Set(values, DecisionFeatures.AmountChange90d, 1.02);
        Set(values, DecisionFeatures.CountChange90d, 0.99);
        Set(values, DecisionFeatures.Utilisation, 0.6);
        Set(values, DecisionFeatures.PaymentRatio, 1);
        Set(values, DecisionFeatures.AppLogins30d, 8);
        Set(values, DecisionFeatures.DaysSinceLastLogin, 2);
        Set(values, DecisionFeatures.MonthsOnBook, 36);
        Set(values, DecisionFeatures.ProductsHeld, 3);
        Set(values, DecisionFeatures.ShareFuel90d, 0.08);
        Set(values, DecisionFeatures.ShareDining90d, 0.15);
        Set(values, DecisionFeatures.ShareTravel90d, 0.2);
        Set(values, DecisionFeatures.ShareOnline90d, 0.3);
        foreach (var (name, value) in overrides)
        {
            Set(values, name, value);
        }

        return values;
    }

    public static string ShippedCataloguePath => Path.Combine(AppContext.BaseDirectory, "offers.json");

    public static OfferCatalogue ShippedCatalogue() => OfferCatalogueLoader.Parse(File.ReadAllText(ShippedCataloguePath), Schema);

    /// <summary>A one-offer catalogue in offers.json form; <paramref name="offerJson"/> is the offer object.</summary>
    public static string CatalogueJson(params string[] offerJson) => "{ \"version\": \"t\", \"offers\": [" + string.Join(",", offerJson) + "] }";

    /// <summary>A valid offer whose fields can be replaced by passing JSON fragments.</summary>
    public static string OfferJson(
        string id = "test_offer",
        string eligibility = "{}",
        string channels = "[\"mobile_app\", \"call_centre\"]",
        double businessValue = 100,
        double lever = 1,
        double prior = 0.1,
        string contact = "{ \"max_shows\": 3, \"window_days\": 30, \"cooldown_days_after_decline\": 14, \"suppress_days_after_acceptance\": 60 }",
        string category = "rewards",
        string extra = "",
        string why = "Because it fits")
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return $$"""
            {
              "id": "{{id}}", "name": "Test {{id}}", "description": "An offer for tests",
              "category": "{{category}}",
              "eligibility": {{eligibility}},
              "channels": {{channels}},
              "business_value": {{businessValue.ToString(inv)}}, "lever": {{lever.ToString(inv)}}, "prior": {{prior.ToString(inv)}},
              "contact": {{contact}},
              {{extra}}
              "why": "{{why}}"
            }
            """;
    }

    public static OfferCatalogue Catalogue(params string[] offerJson) => OfferCatalogueLoader.Parse(CatalogueJson(offerJson), Schema);

    private static void Set(float[] values, string name, double value)
    {
        var index = Schema.IndexOf(name);
        if (index < 0)
        {
            throw new ArgumentException($"test schema lacks '{name}'", nameof(name));
        }

        values[index] = (float)value;
    }
}
