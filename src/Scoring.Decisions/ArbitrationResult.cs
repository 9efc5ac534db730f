namespace Scoring.Decisions;

/// <summary>
/// The outcome of one arbitration: ranked candidates (best first, at most MaxOffers) and
/// one exclusion per offer left out. Reusable across calls (buffers grow once to the
/// catalogue size), so a caller can keep one per thread and arbitrate without allocating.
/// </summary>
public sealed class ArbitrationResult
{
    private OfferCandidate[] _candidates = [];
    private OfferExclusion[] _exclusions = [];
    private int _candidateCount;
    private int _rankedCount;
    private int _exclusionCount;

    /// <summary>The recommended offers, best first (score desc, then offer id ordinal).</summary>
    public ReadOnlySpan<OfferCandidate> Recommended => _candidates.AsSpan(0, _rankedCount);

    /// <summary>Offers that passed every step but ranked below MaxOffers.</summary>
    public ReadOnlySpan<OfferCandidate> RankedOut => _candidates.AsSpan(_rankedCount, _candidateCount - _rankedCount);

    public ReadOnlySpan<OfferExclusion> Excluded => _exclusions.AsSpan(0, _exclusionCount);

    internal void Reset(int offerCount)
    {
        if (_candidates.Length < offerCount)
        {
            _candidates = new OfferCandidate[offerCount];
            _exclusions = new OfferExclusion[offerCount];
        }

        _candidateCount = _rankedCount = _exclusionCount = 0;
    }

    internal void Exclude(in OfferExclusion exclusion) => _exclusions[_exclusionCount++] = exclusion;

    internal void Add(in OfferCandidate candidate) => _candidates[_candidateCount++] = candidate;

    internal Span<OfferCandidate> Candidates => _candidates.AsSpan(0, _candidateCount);

    internal void Rank(int maxOffers) => _rankedCount = Math.Min(maxOffers, _candidateCount);
}
