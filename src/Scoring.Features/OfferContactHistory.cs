namespace Scoring.Features;

/// <summary>
/// A customer's contact history with one offer, evaluated at a read time, for offer
/// arbitration (contact caps and cooldowns). Shows are counted over whole UTC days, as the
/// flat features are; show days older than 90 days are not kept. A value type: every answer
/// reads one per catalogue offer.
/// </summary>
public readonly record struct OfferContactHistory(
    string OfferId,
    int ShownLast7Days,
    int ShownLast30Days,
    int ShownLast90Days,
    DateTimeOffset? LastShown,
    DateTimeOffset? LastAccepted,
    DateTimeOffset? LastDeclined);

/// <summary>An offer id with its state key computed once, for reading many customers' histories of one catalogue.</summary>
public readonly struct OfferKey
{
    public OfferKey(string offerId)
    {
        ArgumentNullException.ThrowIfNull(offerId);
        Id = offerId;
        Hash = Internal.Hash64.Of(offerId);
    }

    public string Id { get; }

    internal ulong Hash { get; }
}
