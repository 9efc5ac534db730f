namespace Scoring.Decisions;

/// <summary>What happened when an offer was put in front of the customer.</summary>
public enum OfferOutcome
{
    Shown = 1,
    Declined = 2,
    Accepted = 3,
}

/// <summary>One entry of the customer's live offer-outcome history.</summary>
public readonly record struct OfferContact(string OfferId, OfferOutcome Outcome, DateTimeOffset At);
