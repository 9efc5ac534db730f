namespace Scoring.Decisions;

/// <summary>
/// The feature names the decision layer reads, as Scoring.Features.FeatureCatalogue declares
/// them, held in one place so a rename is one edit (a test checks every one exists). Shares
/// and utilisation are fractions (0.94 = 94%); the "chng" features are last 90 days divided
/// by the prior 90 days, so 0.38 means down 62%.
/// </summary>
public static class DecisionFeatures
{
    /// <summary>Whole days since the last transaction; missing (NaN) when the card has never been used.</summary>
    public const string DaysSinceLastTxn = "days_since_last_txn";
    public const string TxnCount30d = "txn_count_30d";
    public const string TxnCount90d = "txn_count_90d";
    public const string TxnAmount90d = "txn_amount_90d";
    public const string AmountChange90d = "amount_chng_90d";
    public const string CountChange90d = "count_chng_90d";
    public const string MonthsInactive12m = "months_inactive_12m";
    public const string UnresolvedComplaints = "unresolved_complaints";
    public const string Complaints90d = "complaints_90d";
    public const string Complaints365d = "complaints_365d";
    public const string Contacts90d = "contacts_90d";
    public const string LatePayments12m = "late_payments_12m";
    public const string MinOnlyPayments12m = "min_only_payments_12m";
    public const string PaymentRatio = "payment_ratio";
    public const string Utilisation = "utilisation";
    public const string AppLogins30d = "app_logins_30d";
    public const string FailedLogins30d = "failed_logins_30d";
    public const string DaysSinceLastLogin = "days_since_last_login";
    public const string CashAdvances90d = "cash_advances_90d";
    public const string MonthsOnBook = "months_on_book";
    public const string ProductsHeld = "products_held";
    /// <summary>1 when the card was closed by the customer or the bank.</summary>
    public const string CardClosed = "card_closed";
    public const string CardBlocked = "card_blocked";
    public const string ShareFuel90d = "share_fuel_90d";
    public const string ShareDining90d = "share_dining_90d";
    public const string ShareTravel90d = "share_travel_90d";
    public const string ShareOnline90d = "share_online_90d";
}
