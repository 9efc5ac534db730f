using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>One entry of the customer's live offer-outcome history (events.proto
/// OfferOutcome: shown, accepted or declined, with the event time).</summary>
public readonly record struct OfferContact(string OfferId, OfferOutcomeKind Outcome, DateTimeOffset At);
