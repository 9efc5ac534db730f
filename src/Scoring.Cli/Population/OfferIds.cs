namespace Scoring.Cli.Population;

/// <summary>The next-best-offer catalogue ids (the README's "The business it serves": offers).</summary>
internal static class OfferIds
{
    public const string BillInstalment = "bill_instalment";
    public const string CashInstalment = "cash_instalment";
    public const string CreditLimitIncrease = "credit_limit_increase";
    public const string FirstSwipeReward = "first_swipe_reward";
    public const string PointsBonus = "points_bonus";
    public const string AirlineMiles = "airline_miles";
    public const string AnnualFeeWaiver = "annual_fee_waiver";
    public const string CardUpgradePlatinum = "card_upgrade_platinum";
    public const string CarOwnerPack = "car_owner_pack";
    public const string DiningCashback = "dining_cashback";
    public const string Double11Promotion = "double11_promotion";
    public const string FitnessPack = "fitness_pack";
    public const string DigitalPerks = "digital_perks";
    public const string TravelCobrandCard = "travel_cobrand_card";
    public const string LoungeAccess = "lounge_access";
    public const string CareContact = "care_contact";
    public const string WinbackRate = "winback_rate";
    public const string ComplaintFollowUp = "complaint_follow_up";

    public static readonly string[] All =
    [
        BillInstalment, CashInstalment, CreditLimitIncrease, FirstSwipeReward, PointsBonus,
        AirlineMiles, AnnualFeeWaiver, CardUpgradePlatinum, CarOwnerPack, DiningCashback,
        Double11Promotion, FitnessPack, DigitalPerks, TravelCobrandCard, LoungeAccess,
        CareContact, WinbackRate, ComplaintFollowUp,
    ];
}
