using Scoring.Features;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>Everything arbitration needs about one customer at one moment. A ref struct so
/// spans over pooled or stack buffers can be passed without copies or allocations.</summary>
public readonly ref struct ArbitrationRequest
{
    /// <summary>The live feature vector, laid out like the catalogue's schema.</summary>
    public required ReadOnlySpan<float> Features { get; init; }

    public required Channel Channel { get; init; }

    public required ValueTier Tier { get; init; }

    public required LifecycleStage Stage { get; init; }

    public required RiskBand Band { get; init; }

    /// <summary>Per-offer acceptance probabilities from the offers' propensity models, in
    /// catalogue order; NaN (or an empty span) means no model output, so the catalogue prior is used.</summary>
    public ReadOnlySpan<double> Propensities { get; init; }

    /// <summary>The customer's contact history per offer, in catalogue order (CustomerState.GetOfferHistory
    /// for each catalogue offer at <see cref="Now"/>); null entries or an empty span mean no contact.</summary>
    public ReadOnlySpan<OfferContactHistory?> History { get; init; }

    /// <summary>The decision time; its offset sets the calendar day for seasonal offers.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Most offers to recommend, 1 to 20.</summary>
    public int MaxOffers { get; init; }
}
