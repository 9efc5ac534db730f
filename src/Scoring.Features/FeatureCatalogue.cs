namespace Scoring.Features;

/// <summary>How a feature's value is to be read. Missing values are always NaN.</summary>
public enum FeatureType
{
    /// <summary>A real number (amounts, balances, day counts).</summary>
    Numeric,
    /// <summary>A non-negative whole number of occurrences in a window.</summary>
    Count,
    /// <summary>A quotient of two quantities; NaN when the denominator is zero.</summary>
    Ratio,
    /// <summary>0 or 1.</summary>
    Boolean,
    /// <summary>The numeric value of a scoring.v1 enum; NaN when unknown.</summary>
    CategoricalCode,
}

/// <summary>One column of the feature vector.</summary>
/// <param name="Name">snake_case, unique; the column name in training sets and model manifests.</param>
/// <param name="Index">Position in the vector.</param>
/// <param name="Type">How to read the value.</param>
/// <param name="Meaning">One readable sentence.</param>
/// <param name="Window">The time window in days (UTC day boundaries), or null when not windowed.</param>
/// <param name="Unit">e.g. "currency", "days", "events", "share", "code".</param>
public sealed record FeatureDefinition(string Name, int Index, FeatureType Type, string Meaning, int? Window, string Unit);

/// <summary>
/// The single declared list of features: the Redis store fills vectors in this order, the
/// training-set builder uses these names as columns, and a model's feature list is checked
/// against it. Append only: never reorder or reuse an index (a stored model refers to names,
/// but training files written earlier refer to positions).
/// Windows are whole UTC days: an N-day window read at asOf is the N UTC days ending with
/// asOf's day (so "30 days" read at 10:00 covers 29 full days plus today up to now).
/// </summary>
public static class FeatureCatalogue
{
    private static readonly FeatureDefinition[] s_definitions = Build();
    private static readonly Dictionary<string, FeatureDefinition> s_byName =
        s_definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>All features in vector order.</summary>
    public static IReadOnlyList<FeatureDefinition> Definitions => s_definitions;

    /// <summary>Length of the feature vector.</summary>
    public static int Count => s_definitions.Length;

    /// <summary>The feature with this name, or null.</summary>
    public static FeatureDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>Index of the named feature; throws when unknown.</summary>
    public static int IndexOf(string name) =>
        s_byName.TryGetValue(name, out var d) ? d.Index : throw new KeyNotFoundException($"Unknown feature '{name}'.");

    /// <summary>
    /// Checks a model's declared features: each must exist here by name with the same type.
    /// Returns the problems (empty when valid), one readable line each.
    /// </summary>
    public static IReadOnlyList<string> ValidateModelFeatures(IEnumerable<(string Name, FeatureType Type)> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, type) in features)
        {
            if (!seen.Add(name))
            {
                problems.Add($"feature '{name}' is listed twice");
            }
            else if (!s_byName.TryGetValue(name, out var d))
            {
                problems.Add($"feature '{name}' is not in the feature catalogue");
            }
            else if (d.Type != type)
            {
                problems.Add($"feature '{name}' has type {type} but the catalogue declares {d.Type}");
            }
        }

        return problems;
    }

    private static FeatureDefinition[] Build()
    {
        var list = new List<FeatureDefinition>();
        void Add(string name, FeatureType type, string meaning, int? window, string unit) =>
            list.Add(new FeatureDefinition(name, list.Count, type, meaning, window, unit));

        const FeatureType N = FeatureType.Numeric, C = FeatureType.Count, R = FeatureType.Ratio,
            B = FeatureType.Boolean, K = FeatureType.CategoricalCode;

        Add("days_since_last_txn", N, "Whole UTC days since the newest purchase or cash advance; missing when there is none.", null, "days");
        foreach (var w in new[] { 7, 30, 90, 365 })
        {
            Add($"txn_count_{w}d", C, $"Number of purchases and cash advances in the last {w} days.", w, "events");
            Add($"txn_amount_{w}d", N, $"Total amount of purchases and cash advances in the last {w} days.", w, "currency");
        }

        Add("amount_chng_90d", R, "Transaction amount of the last 90 days divided by that of the 90 days before; missing when the earlier amount is zero.", 180, "ratio");
        Add("count_chng_90d", R, "Transaction count of the last 90 days divided by that of the 90 days before; missing when the earlier count is zero.", 180, "ratio");
        Add("amount_chng_q4_q1", R, "Transaction amount of the last 90 days divided by that of days 275-364 ago (the first quarter of the year window), as Total_Amt_Chng_Q4_Q1 in public churn data.", 365, "ratio");
        Add("count_chng_q4_q1", R, "Transaction count of the last 90 days divided by that of days 275-364 ago, as Total_Ct_Chng_Q4_Q1 in public churn data.", 365, "ratio");
        Add("months_inactive_12m", C, "Of the 12 consecutive 30-day periods ending today, how many had no purchase or cash advance.", 360, "months");
        foreach (var c in new[] { "dining", "travel", "fuel", "grocery", "online", "entertainment", "cross_border" })
        {
            Add($"share_{c}_90d", R, $"Share of the last 90 days' transaction amount that was {c.Replace('_', '-')}; missing when the amount is zero.", 90, "share");
        }

        Add("avg_ticket_90d", R, "Average transaction amount over the last 90 days; missing when there were none.", 90, "currency");
        Add("cash_advances_90d", C, "Number of cash advances in the last 90 days.", 90, "events");
        Add("refund_amount_90d", N, "Total refunded amount in the last 90 days.", 90, "currency");
        Add("revolving_balance", N, "Closing balance of the newest statement; missing before the first statement.", null, "currency");
        Add("credit_limit", N, "Current credit limit: the newest credit-limit change, else the profile's limit; missing when unknown.", null, "currency");
        Add("utilisation", R, "Revolving balance divided by the credit limit; missing when either is unknown.", null, "share");
        Add("open_to_buy", N, "Credit limit minus revolving balance; missing when either is unknown.", null, "currency");
        Add("payment_ratio", R, "Amount repaid divided by statement balance over the last 3 statements already due; missing when there is none or their balance is zero.", null, "ratio");
        Add("late_payments_12m", C, "Repayments made after their due date in the last 365 days.", 365, "events");
        Add("min_only_payments_12m", C, "Repayments smaller than their statement balance in the last 365 days.", 365, "events");
        Add("contacts_90d", C, "Service contacts opened (inquiries and complaints) in the last 90 days.", 90, "events");
        Add("contacts_365d", C, "Service contacts opened in the last 365 days.", 365, "events");
        Add("complaints_90d", C, "Complaints opened in the last 90 days.", 90, "events");
        Add("complaints_365d", C, "Complaints opened in the last 365 days.", 365, "events");
        Add("unresolved_complaints", C, "Complaints opened and not yet resolved.", null, "events");
        Add("app_logins_30d", C, "Successful app logins in the last 30 days.", 30, "events");
        Add("failed_logins_30d", C, "Failed app logins or journeys in the last 30 days.", 30, "events");
        Add("days_since_last_login", N, "Whole UTC days since the newest successful app login; missing when there is none.", null, "days");
        Add("offers_shown_30d", C, "Offers shown to the customer in the last 30 days.", 30, "events");
        Add("offers_accepted_30d", C, "Offers the customer accepted in the last 30 days.", 30, "events");
        Add("offers_declined_30d", C, "Offers the customer declined in the last 30 days.", 30, "events");
        Add("months_on_book", C, "Whole calendar months since the account was opened; missing without a profile.", null, "months");
        Add("products_held", C, "Number of the bank's products the customer holds; missing without a profile.", null, "products");
        Add("age_band", K, "scoring.v1.AgeBand code; missing when unknown.", null, "code");
        Add("income_band", K, "scoring.v1.IncomeBand code; missing when unknown.", null, "code");
        Add("card_product", K, "scoring.v1.CardProduct code; missing when unknown.", null, "code");
        Add("card_closed", B, "1 when the newest card status is closed by the customer or the bank.", null, "flag");
        Add("card_blocked", B, "1 when the newest card status is blocked or lost/stolen.", null, "flag");
        return [.. list];
    }
}
