using Scoring.Decisions.Internal;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>One compiled catalogue offer: names resolved to indexes, names of tiers, stages
/// and channels turned into bit masks, so arbitration only compares numbers.</summary>
public sealed class Offer
{
    internal Offer()
    {
    }

    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>credit, retention, rewards, lifestyle, upgrade, activation, premium, digital or service.</summary>
    public required string Category { get; init; }

    /// <summary>Business value of one acceptance, in the billing currency.</summary>
    public required double BusinessValue { get; init; }

    /// <summary>Business priority multiplier applied to the score.</summary>
    public required double Lever { get; init; }

    /// <summary>Acceptance probability used when the offer has no propensity model output.</summary>
    public required double Prior { get; init; }

    /// <summary>The propensity model's name, or null when the offer uses its prior.</summary>
    public string? PropensityModel { get; init; }

    internal int TierMask { get; init; }

    internal int StageMask { get; init; }

    internal int ChannelMask { get; init; }

    /// <summary>NaN when unset, for this and the other optional limits; float32 like the features they compare with.</summary>
    internal float MinMonthsOnBook { get; init; } = float.NaN;

    internal float MaxLatePayments12m { get; init; } = float.NaN;

    internal float MaxUtilisation { get; init; } = float.NaN;

    internal RiskBand MaxRiskBand { get; init; }

    internal FeatureRule[] Require { get; init; } = [];

    internal FeatureRule[] Forbid { get; init; } = [];

    internal ContactRules Contact { get; init; }

    internal SeasonWindow? Season { get; init; }

    internal double ChurnBoostHigh { get; init; } = 1;

    internal double ChurnBoostCritical { get; init; } = 1;

    internal WhyTemplate Why { get; init; } = null!;

    public bool AllowsChannel(Channel channel) => (ChannelMask & Bit((int)channel)) != 0;

    public bool AllowsTier(ValueTier tier) => (TierMask & Bit((int)tier)) != 0;

    public bool AllowsStage(LifecycleStage stage) => (StageMask & Bit((int)stage)) != 0;

    internal static int Bit(int value) => value is > 0 and < 31 ? 1 << value : 0;
}
