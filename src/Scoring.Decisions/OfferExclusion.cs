using System.Globalization;

namespace Scoring.Decisions;

/// <summary>The arbitration step that removed an offer, in evaluation order.</summary>
public enum ArbitrationStep
{
    Eligibility = 1,
    Applicability = 2,
    Suitability = 3,
}

public enum ExclusionReason
{
    MonthsOnBook = 1,
    RequiredConditionNotMet,
    ForbiddenConditionMet,
    Channel,
    OutOfSeason,
    SuppressedAfterAcceptance,
    CooldownAfterDecline,
    ContactCap,
    Tier,
    Stage,
    LatePayments,
    Utilisation,
    RiskBand,
    RiskDataMissing,
}

/// <summary>Why one offer was left out. A value type so recording it costs nothing; the
/// text is made only when someone asks (<see cref="OfferArbiter.Describe"/>). Until is when a
/// contact rule lifts (default when not known).</summary>
public readonly record struct OfferExclusion(int OfferIndex, ExclusionReason Reason, double Observed, int RuleIndex, DateTimeOffset Until)
{
    public ArbitrationStep Step => Reason switch
    {
        ExclusionReason.MonthsOnBook or ExclusionReason.RequiredConditionNotMet or ExclusionReason.ForbiddenConditionMet => ArbitrationStep.Eligibility,
        ExclusionReason.Channel or ExclusionReason.OutOfSeason or ExclusionReason.SuppressedAfterAcceptance
            or ExclusionReason.CooldownAfterDecline or ExclusionReason.ContactCap => ArbitrationStep.Applicability,
        _ => ArbitrationStep.Suitability,
    };

    internal static string Date(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>One ranked offer: index into the catalogue plus its arbitration figures.</summary>
public readonly record struct OfferCandidate(int OfferIndex, double Propensity, double Context, double ExpectedValue, double Score);
