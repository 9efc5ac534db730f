using Scoring.V1;

namespace Scoring.Decisions.Tests;

/// <summary>The feature layout the tests compile against: every name the decision layer
/// reads plus one feature without a reason template (to exercise the generic fallback).</summary>
internal static class TestData
{
    public const string ContactsWithBank12m = "contacts_12m";

    public static readonly FeatureSchema Schema = new(
    [
        new(DecisionFeatures.DaysSinceLastTxn, "days since the last transaction"),
        new(DecisionFeatures.TxnCount90d, "transactions in the last 90 days"),
        new(DecisionFeatures.TxnAmount90d, "amount spent in the last 90 days"),
        new(DecisionFeatures.AmountChange90d, "change in spending, last 90 days vs prior 90"),
        new(DecisionFeatures.CountChange90d, "change in transaction count, last 90 days vs prior 90"),
        new(DecisionFeatures.UnresolvedComplaints, "complaints not yet resolved"),
        new(DecisionFeatures.Complaints12m, "complaints in the last 12 months"),
        new(DecisionFeatures.LatePayments12m, "late payments in the last 12 months"),
        new(DecisionFeatures.Utilisation, "share of the credit limit in use"),
        new(DecisionFeatures.AppLogins30d, "app logins in the last 30 days"),
        new(DecisionFeatures.DaysSinceLastAppLogin, "days since the last app login"),
        new(DecisionFeatures.CashAdvances90d, "cash advances in the last 90 days"),
        new(DecisionFeatures.MonthsOnBook, "months since the card was opened"),
        new(DecisionFeatures.CardClosed, "card closed"),
        new(DecisionFeatures.CardStatus, "card status"),
        new(DecisionFeatures.ProductsHeld, "products held with the bank"),
        new(DecisionFeatures.SpendShareFuel90d, "share of spending on fuel"),
        new(DecisionFeatures.SpendShareDining90d, "share of spending on dining"),
        new(DecisionFeatures.SpendShareTravel90d, "share of spending on travel"),
        new(DecisionFeatures.SpendShareOnline90d, "share of spending online"),
        new(ContactsWithBank12m, "contacts with the bank in the last 12 months"),
    ]);

    public static readonly ValueTierCutPoints CutPoints = ValueTierCutPoints.Create(mass: 500, potential: 2000, hnw: 10000);

    /// <summary>An ordinary mature customer: active, clean record, some of every spend type.</summary>
    public static double[] Features(params (string Name, double Value)[] overrides)
    {
        var values = new double[Schema.Count];
        Set(values, DecisionFeatures.DaysSinceLastTxn, 3);
        Set(values, DecisionFeatures.TxnCount90d, 40);
        Set(values, DecisionFeatures.TxnAmount90d, 12000);
        Set(values, DecisionFeatures.AmountChange90d, 0.02);
        Set(values, DecisionFeatures.CountChange90d, -0.01);
        Set(values, DecisionFeatures.UnresolvedComplaints, 0);
        Set(values, DecisionFeatures.Complaints12m, 0);
        Set(values, DecisionFeatures.LatePayments12m, 0);
        Set(values, DecisionFeatures.Utilisation, 0.6);
        Set(values, DecisionFeatures.AppLogins30d, 8);
        Set(values, DecisionFeatures.DaysSinceLastAppLogin, 2);
        Set(values, DecisionFeatures.CashAdvances90d, 0);
        Set(values, DecisionFeatures.MonthsOnBook, 36);
        Set(values, DecisionFeatures.CardClosed, 0);
        Set(values, DecisionFeatures.CardStatus, (double)CardStatus.Active);
        Set(values, DecisionFeatures.ProductsHeld, 3);
        Set(values, DecisionFeatures.SpendShareFuel90d, 0.08);
        Set(values, DecisionFeatures.SpendShareDining90d, 0.15);
        Set(values, DecisionFeatures.SpendShareTravel90d, 0.2);
        Set(values, DecisionFeatures.SpendShareOnline90d, 0.3);
        Set(values, ContactsWithBank12m, 1);
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

    private static void Set(double[] values, string name, double value)
    {
        var index = Schema.IndexOf(name);
        if (index < 0)
        {
            throw new ArgumentException($"test schema lacks '{name}'", nameof(name));
        }

        values[index] = value;
    }
}
