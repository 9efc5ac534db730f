using System.Collections.Frozen;
using System.Globalization;

namespace Scoring.Decisions.Internal;

/// <summary>
/// Read-aloud phrasing per feature (DOMAIN.md "Why customers leave"). Features without a
/// template fall back to "&lt;meaning&gt;: &lt;value&gt;".
/// </summary>
internal static class ReasonTemplates
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

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
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static string Fallback(string label, double value) => label + ": " + Phrases.Number(value);

    private static string CountIn(double value, string noun, string period, string? plural = null)
    {
        var n = Phrases.Count(value);
        return n == 0 ? "no " + (plural ?? noun + "s") + " in " + period : Phrases.Quantity(n, noun, plural) + " in " + period;
    }
}
