namespace Scoring.Features.Store;

/// <summary>
/// Told which written customers changed class (the host's churn band). While
/// <see cref="IsActive"/>, the store classifies each customer of a write before and after
/// applying it, inside the compare-and-set loop where both states are in hand (no extra reads),
/// and reports the changes that committed once the write returns.
/// </summary>
public interface IStateChangeObserver
{
    /// <summary>Whether anyone listens; when false, writes cost nothing extra.</summary>
    bool IsActive { get; }

    /// <summary>The customer's class and score now; synchronous and CPU-only (called in the apply loop).</summary>
    (int Class, double Score) Classify(CustomerState state);

    /// <summary>Committed class changes of one write, in no particular order. Must not throw for delivery failures.</summary>
    Task OnChangedAsync(IReadOnlyList<StateChange> changes, CancellationToken cancellationToken);
}

/// <summary>
/// One committed class change. <see cref="Version"/> is the stored version the write produced,
/// so a reader can drop a change that arrives after a newer one of the same customer.
/// <see cref="CauseEventId"/> is the customer's last applied event of the write (empty for a profile).
/// </summary>
public readonly record struct StateChange(string CustomerId, ulong Version, int Before, int After, double Score, string CauseEventId);
