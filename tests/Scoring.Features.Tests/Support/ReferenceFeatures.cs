using Scoring.V1;

namespace Scoring.Features.Tests.Support;

/// <summary>
/// An independent, deliberately naive computation of the catalogue from a plain event list
/// (LINQ over the deduplicated, non-late events), written from the documented rules rather
/// than from CustomerState's code. The property tests compare the two.
/// </summary>
internal static class ReferenceFeatures
{
    public static float[] Compute(IReadOnlyList<Event> arrivalOrder, Profile? profile, DateTimeOffset asOf, TimeSpan lateness)
    {
        // 1. Which events count: those at or before asOf, in arrival order, not late, first of their id.
        var applied = new List<Event>();
        var ids = new HashSet<string>();
        DateTimeOffset? watermark = null;
        foreach (var e in arrivalOrder.Where(e => Time(e) <= asOf))
        {
            var t = Time(e);
            if (watermark is { } w && t < w - lateness)
            {
                continue;
            }

            if (!ids.Add(e.EventId))
            {
                continue;
            }

            applied.Add(e);
            watermark = watermark is null || t > watermark ? t : watermark;
        }

        // 2. Which day each event counts on: its UTC day, or the 15th of its month once that whole
        //    month ended more than 183 days before the watermark's day.
        var wd = watermark is null ? 0 : DayOf(watermark.Value);
        int CountsOn(Event e)
        {
            var d = DateOnly.FromDateTime(Time(e).UtcDateTime);
            var first = new DateOnly(d.Year, d.Month, 1);
            var last = first.AddMonths(1).AddDays(-1);
            return last.DayNumber < wd - 183 ? first.DayNumber + 14 : d.DayNumber;
        }

        var today = DayOf(asOf);
        bool InDays(Event e, int from, int to) => today - CountsOn(e) >= from && today - CountsOn(e) <= to;
        bool In(Event e, int days) => InDays(e, 0, days - 1);

        var txns = applied.Where(e => e.Transaction is { Kind: TransactionKind.Purchase or TransactionKind.CashAdvance }).ToList();
        long Cents(double a) => (long)Math.Round(a * 100, MidpointRounding.AwayFromZero);
        long Amount(IEnumerable<Event> es) => es.Sum(e => Cents(e.Transaction.Amount));
        float Money(long c) => (float)(c / 100.0);
        float Ratio(long n, long d) => d == 0 ? float.NaN : (float)((double)n / d);

        var v = new float[FeatureCatalogue.Count];
        void Set(string name, float value) => v[FeatureCatalogue.IndexOf(name)] = value;

        Set("days_since_last_txn", txns.Count == 0 ? float.NaN : Math.Max(0, today - txns.Max(e => DayOf(Time(e)))));
        foreach (var w in new[] { 7, 30, 90, 365 })
        {
            Set($"txn_count_{w}d", txns.Count(e => In(e, w)));
            Set($"txn_amount_{w}d", Money(Amount(txns.Where(e => In(e, w)))));
        }

        var last90 = txns.Where(e => In(e, 90)).ToList();
        var prev90 = txns.Where(e => InDays(e, 90, 179)).ToList();
        var q1 = txns.Where(e => InDays(e, 275, 364)).ToList();
        Set("amount_chng_90d", Ratio(Amount(last90), Amount(prev90)));
        Set("count_chng_90d", Ratio(last90.Count, prev90.Count));
        Set("amount_chng_q4_q1", Ratio(Amount(last90), Amount(q1)));
        Set("count_chng_q4_q1", Ratio(last90.Count, q1.Count));
        Set("months_inactive_12m", Enumerable.Range(0, 12).Count(k => !txns.Any(e => InDays(e, k * 30, (k * 30) + 29))));
        var amount90 = Amount(last90);
        Set("share_dining_90d", Ratio(Amount(last90.Where(e => e.Transaction.MerchantCategory == MerchantCategory.Dining)), amount90));
        Set("share_travel_90d", Ratio(Amount(last90.Where(e => e.Transaction.MerchantCategory == MerchantCategory.Travel)), amount90));
        Set("share_fuel_90d", Ratio(Amount(last90.Where(e => e.Transaction.MerchantCategory == MerchantCategory.Fuel)), amount90));
        Set("share_grocery_90d", Ratio(Amount(last90.Where(e => e.Transaction.MerchantCategory == MerchantCategory.Grocery)), amount90));
        Set("share_entertainment_90d", Ratio(Amount(last90.Where(e => e.Transaction.MerchantCategory == MerchantCategory.Entertainment)), amount90));
        Set("share_online_90d", Ratio(Amount(last90.Where(e => e.Transaction.Online)), amount90));
        Set("share_cross_border_90d", Ratio(Amount(last90.Where(e => e.Transaction.CrossBorder)), amount90));
        Set("avg_ticket_90d", last90.Count == 0 ? float.NaN : (float)(amount90 / 100.0 / last90.Count));
        Set("cash_advances_90d", last90.Count(e => e.Transaction.Kind == TransactionKind.CashAdvance));
        Set("refund_amount_90d", Money(applied.Where(e => e.Transaction?.Kind == TransactionKind.Refund && In(e, 90)).Sum(e => Cents(e.Transaction.Amount))));

        var statement = applied.Where(e => e.Statement is not null).OrderBy(e => Time(e)).ThenBy(e => Cents(e.Statement.Balance)).LastOrDefault();
        var limitChange = applied.Where(e => e.CreditLimitChange is not null).OrderBy(e => Time(e)).ThenBy(e => Cents(e.CreditLimitChange.NewLimit)).LastOrDefault();
        long? limit = limitChange is not null ? Cents(limitChange.CreditLimitChange.NewLimit) : profile is not null ? Cents(profile.CreditLimit) : null;
        long? balance = statement is null ? null : Cents(statement.Statement.Balance);
        Set("revolving_balance", balance is null ? float.NaN : Money(balance.Value));
        Set("credit_limit", limit is null ? float.NaN : Money(limit.Value));
        Set("utilisation", limit is null || balance is null ? float.NaN : Ratio(balance.Value, limit.Value));
        Set("open_to_buy", limit is null || balance is null ? float.NaN : Money(limit.Value - balance.Value));

        var byDue = applied
            .Where(e => e.Statement is not null || e.Repayment is not null)
            .GroupBy(e => DayOf((e.Statement?.DueDate ?? e.Repayment.DueDate).ToDateTimeOffset()))
            .Where(g => g.Key <= today)
            .OrderByDescending(g => g.Key)
            .Take(3)
            .ToList();
        var paid = byDue.Sum(g => g.Where(e => e.Repayment is not null).Sum(e => Cents(e.Repayment.Amount)));
        var owed = byDue.Sum(g => g.Any(e => e.Statement is not null)
            ? g.Where(e => e.Statement is not null).Max(e => Cents(e.Statement.Balance))
            : g.Max(e => Cents(e.Repayment.StatementBalance)));
        Set("payment_ratio", byDue.Count == 0 ? float.NaN : Ratio(paid, owed));
        var repayments = applied.Where(e => e.Repayment is not null && In(e, 365)).ToList();
        Set("late_payments_12m", repayments.Count(e => Time(e) > e.Repayment.DueDate.ToDateTimeOffset()));
        Set("min_only_payments_12m", repayments.Count(e => e.Repayment.Amount < e.Repayment.StatementBalance));

        var opened = applied.Where(e => e.ServiceContact?.Action == ContactAction.Opened).ToList();
        Set("contacts_90d", opened.Count(e => In(e, 90)));
        Set("contacts_365d", opened.Count(e => In(e, 365)));
        Set("complaints_90d", opened.Count(e => e.ServiceContact.Kind == ContactKind.Complaint && In(e, 90)));
        Set("complaints_365d", opened.Count(e => e.ServiceContact.Kind == ContactKind.Complaint && In(e, 365)));
        var complaints = applied.Where(e => e.ServiceContact?.Kind == ContactKind.Complaint).GroupBy(e => e.ServiceContact.ContactId);
        Set("unresolved_complaints", complaints.Count(g => g.Any(e => e.ServiceContact.Action == ContactAction.Opened) && g.All(e => e.ServiceContact.Action != ContactAction.Resolved)));

        var logins = applied.Where(e => e.AppLogin is not null).ToList();
        Set("app_logins_30d", logins.Count(e => e.AppLogin.Success && In(e, 30)));
        Set("failed_logins_30d", logins.Count(e => !e.AppLogin.Success && In(e, 30)));
        var good = logins.Where(e => e.AppLogin.Success).ToList();
        Set("days_since_last_login", good.Count == 0 ? float.NaN : Math.Max(0, today - good.Max(e => DayOf(Time(e)))));
        var offers = applied.Where(e => e.OfferOutcome is not null && In(e, 30)).ToList();
        Set("offers_shown_30d", offers.Count(e => e.OfferOutcome.Outcome == OfferOutcomeKind.Shown));
        Set("offers_accepted_30d", offers.Count(e => e.OfferOutcome.Outcome == OfferOutcomeKind.Accepted));
        Set("offers_declined_30d", offers.Count(e => e.OfferOutcome.Outcome == OfferOutcomeKind.Declined));

        if (profile is null)
        {
            foreach (var n in new[] { "months_on_book", "products_held", "age_band", "income_band", "card_product" })
            {
                Set(n, float.NaN);
            }
        }
        else
        {
            var open = profile.OpenDate.ToDateTimeOffset().UtcDateTime;
            var now = asOf.UtcDateTime;
            var months = ((now.Year - open.Year) * 12) + now.Month - open.Month - (now.Day < open.Day ? 1 : 0);
            Set("months_on_book", Math.Max(0, months));
            Set("products_held", profile.ProductsHeld);
            Set("age_band", profile.AgeBand == AgeBand.Unspecified ? float.NaN : (float)profile.AgeBand);
            Set("income_band", profile.IncomeBand == IncomeBand.Unspecified ? float.NaN : (float)profile.IncomeBand);
            Set("card_product", profile.CardProduct == CardProduct.Unspecified ? float.NaN : (float)profile.CardProduct);
        }

        var status = applied.Where(e => e.CardStatusChange is not null).OrderBy(e => Time(e)).ThenBy(e => (int)e.CardStatusChange.Status).LastOrDefault()?.CardStatusChange.Status;
        Set("card_closed", status is CardStatus.ClosedByBank or CardStatus.ClosedByCustomer ? 1 : 0);
        Set("card_blocked", status is CardStatus.Blocked or CardStatus.LostStolen ? 1 : 0);
        return v;
    }

    public static DateTimeOffset Time(Event e) => e.EventTime.ToDateTimeOffset();

    public static int DayOf(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime).DayNumber;

    /// <summary>Names of features that differ (both NaN counts as equal), with both values.</summary>
    public static List<string> Differences(float[] actual, float[] expected)
    {
        var diffs = new List<string>();
        for (var i = 0; i < expected.Length; i++)
        {
            var a = actual[i];
            var b = expected[i];
            var same = (float.IsNaN(a) && float.IsNaN(b)) || Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b));
            if (!same)
            {
                diffs.Add($"{FeatureCatalogue.Definitions[i].Name}: actual {a}, expected {b}");
            }
        }

        return diffs;
    }
}
