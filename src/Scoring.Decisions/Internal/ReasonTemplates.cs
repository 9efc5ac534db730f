using System.Collections.Frozen;
using System.Globalization;

namespace Scoring.Decisions.Internal;

/// <summary>
/// Read-aloud phrasing per feature (the README's "The business it serves": why customers leave). Features without a
/// template fall back to "&lt;meaning&gt;: &lt;value&gt;".
/// </summary>
internal static class ReasonTemplates
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly Google.Protobuf.Reflection.EnumDescriptor AgeBands = EnumType("AgeBand");
    private static readonly Google.Protobuf.Reflection.EnumDescriptor IncomeBands = EnumType("IncomeBand");
    private static readonly Google.Protobuf.Reflection.EnumDescriptor CardProducts = EnumType("CardProduct");

    public static readonly FrozenDictionary<string, Func<double, string>> ByFeature =
        new Dictionary<string, Func<double, string>>(StringComparer.Ordinal)
        {
            [DecisionFeatures.DaysSinceLastTxn] = v => Phrases.Days(v) == 0
                ? "card used today"
                : "no card use for " + Phrases.Quantity(Phrases.Days(v), "day"),
            [DecisionFeatures.AmountChange90d] = v => Phrases.Change("spending", v),
            [DecisionFeatures.CountChange90d] = v => Phrases.Change("transactions", v),
            [DecisionFeatures.MonthsInactive12m] = v => Phrases.Count(v) == 0
                ? "card used every month of the last 12"
                : "no card use in " + Phrases.Count(v).ToString(Invariant) + " of the last 12 months",
            [DecisionFeatures.UnresolvedComplaints] = v => Phrases.Count(v) == 0
                ? "no complaints unresolved"
                : Phrases.Quantity(Phrases.Count(v), "complaint") + " still unresolved",
            [DecisionFeatures.Complaints90d] = v => CountIn(v, "complaint", "the last 90 days"),
            [DecisionFeatures.Complaints365d] = v => CountIn(v, "complaint", "the last 12 months"),
            [DecisionFeatures.Contacts90d] = v => CountIn(v, "contact with the bank", "the last 90 days", "contacts with the bank"),
            [DecisionFeatures.LatePayments12m] = v => CountIn(v, "late payment", "the last 12 months"),
            [DecisionFeatures.MinOnlyPayments12m] = v => CountIn(v, "minimum-only payment", "the last 12 months"),
            [DecisionFeatures.PaymentRatio] = v => "repaid " + Phrases.Percent(v).ToString(Invariant) + "% of recent statement balances",
            [DecisionFeatures.Utilisation] = v => "credit use at " + Phrases.Percent(v).ToString(Invariant) + "% of the limit",
            [DecisionFeatures.DaysSinceLastLogin] = v => Phrases.Days(v) == 0
                ? "app used today"
                : "no app login for " + Phrases.Quantity(Phrases.Days(v), "day"),
            [DecisionFeatures.AppLogins30d] = v => Phrases.Count(v) == 0
                ? "no app login in the last 30 days"
                : Phrases.Quantity(Phrases.Count(v), "app login") + " in the last 30 days",
            [DecisionFeatures.FailedLogins30d] = v => CountIn(v, "failed app login", "the last 30 days"),
            [DecisionFeatures.CashAdvances90d] = v => CountIn(v, "cash advance", "the last 90 days"),
            [DecisionFeatures.TxnCount30d] = v => CountIn(v, "transaction", "the last 30 days"),
            [DecisionFeatures.TxnCount90d] = v => CountIn(v, "transaction", "the last 90 days"),
            [DecisionFeatures.MonthsOnBook] = v => Phrases.Count(v) == 0
                ? "card opened this month"
                : "card held for " + Phrases.Quantity(Phrases.Count(v), "month"),
            [DecisionFeatures.ProductsHeld] = v => Phrases.Quantity(Phrases.Count(v), "product") + " held with the bank",
            [DecisionFeatures.CardClosed] = v => v >= 0.5 ? "card closed" : "card open",
            [DecisionFeatures.CardBlocked] = v => v >= 0.5 ? "card blocked or reported lost" : "card not blocked",
            ["txn_count_7d"] = v => CountIn(v, "transaction", "the last 7 days"),
            ["txn_count_365d"] = v => CountIn(v, "transaction", "the last 12 months"),
            ["txn_amount_7d"] = v => SpentIn(v, "the last 7 days"),
            ["txn_amount_30d"] = v => SpentIn(v, "the last 30 days"),
            [DecisionFeatures.TxnAmount90d] = v => SpentIn(v, "the last 90 days"),
            ["txn_amount_365d"] = v => SpentIn(v, "the last 12 months"),
            ["amount_chng_q4_q1"] = v => Phrases.Change("spending", v, "the same quarter nine months earlier"),
            ["count_chng_q4_q1"] = v => Phrases.Change("transactions", v, "the same quarter nine months earlier"),
            [DecisionFeatures.ShareDining90d] = v => ShareOf(v, "on dining"),
            [DecisionFeatures.ShareTravel90d] = v => ShareOf(v, "on travel"),
            [DecisionFeatures.ShareFuel90d] = v => ShareOf(v, "on fuel"),
            ["share_grocery_90d"] = v => ShareOf(v, "on groceries"),
            [DecisionFeatures.ShareOnline90d] = v => ShareOf(v, "online"),
            ["share_entertainment_90d"] = v => ShareOf(v, "on entertainment"),
            ["share_cross_border_90d"] = v => ShareOf(v, "abroad"),
            ["avg_ticket_90d"] = v => "average purchase of " + Phrases.Number(v) + " in the last 90 days",
            ["refund_amount_90d"] = v => v <= 0 ? "no refunds in the last 90 days" : "refunds of " + Phrases.Number(v) + " in the last 90 days",
            ["revolving_balance"] = v => "statement balance of " + Phrases.Number(v),
            ["credit_limit"] = v => "credit limit of " + Phrases.Number(v),
            ["open_to_buy"] = v => Phrases.Number(v) + " of the credit limit still available",
            ["contacts_365d"] = v => CountIn(v, "contact with the bank", "the last 12 months", "contacts with the bank"),
            ["offers_shown_30d"] = v => CountIn(v, "offer shown", "the last 30 days", "offers shown"),
            ["offers_accepted_30d"] = v => CountIn(v, "offer accepted", "the last 30 days", "offers accepted"),
            ["offers_declined_30d"] = v => CountIn(v, "offer declined", "the last 30 days", "offers declined"),
            ["age_band"] = v => "age group " + EnumText(AgeBands, v, "AGE_BAND_").Replace(' ', '-'),
            ["income_band"] = v => EnumText(IncomeBands, v, "INCOME_BAND_") + " income band",
            ["card_product"] = v => EnumText(CardProducts, v, "CARD_PRODUCT_") + " card",
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string Fallback(string label, double value) => label + ": " + Phrases.Number(value);

    private static string SpentIn(double value, string period) =>
        value <= 0 ? "no spending in " + period : "spent " + Phrases.Number(value) + " in " + period;

    private static string ShareOf(double fraction, string where) =>
        Phrases.Percent(fraction).ToString(Invariant) + "% of recent spending " + where;

    private static Google.Protobuf.Reflection.EnumDescriptor EnumType(string name) =>
        V1.EventsReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>(name)
        ?? throw new InvalidOperationException($"events.proto has no enum {name}");

    // "AGE_BAND_35_44" → "35 44", "CARD_PRODUCT_TRAVEL_CO_BRAND" → "travel co brand"; unknown codes say so.
    private static string EnumText(Google.Protobuf.Reflection.EnumDescriptor descriptor, double code, string prefix)
    {
        var value = double.IsFinite(code) ? descriptor.FindValueByNumber((int)code) : null;
        return value is null || value.Number == 0
            ? "unknown"
            : value.Name[prefix.Length..].Replace('_', ' ').ToLowerInvariant();
    }

    private static string CountIn(double value, string noun, string period, string? plural = null)
    {
        var n = Phrases.Count(value);
        return n == 0 ? "no " + (plural ?? noun + "s") + " in " + period : Phrases.Quantity(n, noun, plural) + " in " + period;
    }
}
