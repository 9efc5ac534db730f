namespace Scoring.Features.Internal;

/// <summary>Vector positions resolved by name from the catalogue, so the catalogue stays the one source.</summary>
internal static class FeatureIndex
{
    public static readonly int DaysSinceLastTxn = FeatureCatalogue.IndexOf("days_since_last_txn");
    public static readonly int TxnCount7 = FeatureCatalogue.IndexOf("txn_count_7d");
    public static readonly int TxnAmount7 = FeatureCatalogue.IndexOf("txn_amount_7d");
    public static readonly int TxnCount30 = FeatureCatalogue.IndexOf("txn_count_30d");
    public static readonly int TxnAmount30 = FeatureCatalogue.IndexOf("txn_amount_30d");
    public static readonly int TxnCount90 = FeatureCatalogue.IndexOf("txn_count_90d");
    public static readonly int TxnAmount90 = FeatureCatalogue.IndexOf("txn_amount_90d");
    public static readonly int TxnCount365 = FeatureCatalogue.IndexOf("txn_count_365d");
    public static readonly int TxnAmount365 = FeatureCatalogue.IndexOf("txn_amount_365d");
    public static readonly int AmountChng90 = FeatureCatalogue.IndexOf("amount_chng_90d");
    public static readonly int CountChng90 = FeatureCatalogue.IndexOf("count_chng_90d");
    public static readonly int AmountChngQ4Q1 = FeatureCatalogue.IndexOf("amount_chng_q4_q1");
    public static readonly int CountChngQ4Q1 = FeatureCatalogue.IndexOf("count_chng_q4_q1");
    public static readonly int MonthsInactive12 = FeatureCatalogue.IndexOf("months_inactive_12m");
    public static readonly int ShareDining = FeatureCatalogue.IndexOf("share_dining_90d");
    public static readonly int ShareTravel = FeatureCatalogue.IndexOf("share_travel_90d");
    public static readonly int ShareFuel = FeatureCatalogue.IndexOf("share_fuel_90d");
    public static readonly int ShareGrocery = FeatureCatalogue.IndexOf("share_grocery_90d");
    public static readonly int ShareOnline = FeatureCatalogue.IndexOf("share_online_90d");
    public static readonly int ShareEntertainment = FeatureCatalogue.IndexOf("share_entertainment_90d");
    public static readonly int ShareCrossBorder = FeatureCatalogue.IndexOf("share_cross_border_90d");
    public static readonly int AvgTicket90 = FeatureCatalogue.IndexOf("avg_ticket_90d");
    public static readonly int CashAdvances90 = FeatureCatalogue.IndexOf("cash_advances_90d");
    public static readonly int RefundAmount90 = FeatureCatalogue.IndexOf("refund_amount_90d");
    public static readonly int RevolvingBalance = FeatureCatalogue.IndexOf("revolving_balance");
    public static readonly int CreditLimit = FeatureCatalogue.IndexOf("credit_limit");
    public static readonly int Utilisation = FeatureCatalogue.IndexOf("utilisation");
    public static readonly int OpenToBuy = FeatureCatalogue.IndexOf("open_to_buy");
    public static readonly int PaymentRatio = FeatureCatalogue.IndexOf("payment_ratio");
    public static readonly int LatePayments12 = FeatureCatalogue.IndexOf("late_payments_12m");
    public static readonly int MinOnlyPayments12 = FeatureCatalogue.IndexOf("min_only_payments_12m");
    public static readonly int Contacts90 = FeatureCatalogue.IndexOf("contacts_90d");
    public static readonly int Contacts365 = FeatureCatalogue.IndexOf("contacts_365d");
    public static readonly int Complaints90 = FeatureCatalogue.IndexOf("complaints_90d");
    public static readonly int Complaints365 = FeatureCatalogue.IndexOf("complaints_365d");
    public static readonly int UnresolvedComplaints = FeatureCatalogue.IndexOf("unresolved_complaints");
    public static readonly int AppLogins30 = FeatureCatalogue.IndexOf("app_logins_30d");
    public static readonly int FailedLogins30 = FeatureCatalogue.IndexOf("failed_logins_30d");
    public static readonly int DaysSinceLastLogin = FeatureCatalogue.IndexOf("days_since_last_login");
    public static readonly int OffersShown30 = FeatureCatalogue.IndexOf("offers_shown_30d");
    public static readonly int OffersAccepted30 = FeatureCatalogue.IndexOf("offers_accepted_30d");
    public static readonly int OffersDeclined30 = FeatureCatalogue.IndexOf("offers_declined_30d");
    public static readonly int MonthsOnBook = FeatureCatalogue.IndexOf("months_on_book");
    public static readonly int ProductsHeld = FeatureCatalogue.IndexOf("products_held");
    public static readonly int AgeBand = FeatureCatalogue.IndexOf("age_band");
    public static readonly int IncomeBand = FeatureCatalogue.IndexOf("income_band");
    public static readonly int CardProduct = FeatureCatalogue.IndexOf("card_product");
    public static readonly int CardClosed = FeatureCatalogue.IndexOf("card_closed");
    public static readonly int CardBlocked = FeatureCatalogue.IndexOf("card_blocked");
}
