namespace Scoring.Decisions;

/// <summary>
/// The feature names the decision layer reads, held in one place so they can be realigned
/// with the feature catalogue in one edit. Ratios are fractions (0.94 = 94%); "change"
/// features are (last 90 days / prior 90 days) − 1, so −0.62 means down 62%.
/// </summary>
public static class DecisionFeatures
{
    /// <summary>Days since the last card transaction; NaN when the card has never been used.</summary>
    public const string DaysSinceLastTxn = "days_since_last_txn";
    public const string TxnCount90d = "txn_count_90d";
    public const string TxnAmount90d = "txn_amount_90d";
    public const string AmountChange90d = "amount_change_90d";
    public const string CountChange90d = "count_change_90d";
    public const string UnresolvedComplaints = "unresolved_complaints";
    public const string Complaints12m = "complaints_12m";
    public const string LatePayments12m = "late_payments_12m";
    public const string Utilisation = "utilisation";
    public const string AppLogins30d = "app_logins_30d";
    public const string DaysSinceLastAppLogin = "days_since_last_app_login";
    public const string CashAdvances90d = "cash_advances_90d";
    public const string MonthsOnBook = "months_on_book";
    /// <summary>1 when the card is closed, 0 otherwise.</summary>
    public const string CardClosed = "card_closed";
    /// <summary>The card's status as the numeric events.proto CardStatus value (4 closed by customer, 5 by the bank).</summary>
    public const string CardStatus = "card_status";
    public const string ProductsHeld = "products_held";
    public const string SpendShareFuel90d = "spend_share_fuel_90d";
    public const string SpendShareDining90d = "spend_share_dining_90d";
    public const string SpendShareTravel90d = "spend_share_travel_90d";
    public const string SpendShareOnline90d = "spend_share_online_90d";
}
