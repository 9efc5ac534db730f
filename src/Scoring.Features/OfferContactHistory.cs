namespace Scoring.Features;

/// <summary>
/// A customer's contact history with one offer, evaluated at a read time, for offer
/// arbitration (contact caps and cooldowns). Shows are counted over whole UTC days, as the
/// flat features are; show days older than 90 days are not kept.
/// </summary>
public sealed record OfferContactHistory(
    string OfferId,
    int ShownLast7Days,
    int ShownLast30Days,
    int ShownLast90Days,
    DateTimeOffset? LastShown,
    DateTimeOffset? LastAccepted,
    DateTimeOffset? LastDeclined);
