using Scoring.V1;

namespace Scoring.Features.Streams;

/// <summary>A decoded stream entry: its entry id, the event, and how often the group has delivered it.</summary>
public sealed record StreamEvent(string EntryId, Event Event, long DeliveryCount);

/// <summary>
/// What a <see cref="StreamBatchHandler"/> did with a whole batch. Returning it means every event
/// of the batch is final, applied or definitively rejected, so the consumer acknowledges them all.
/// The four counts must add up to the batch size.
/// </summary>
public readonly record struct StreamBatchResult(int Applied, int Duplicate, int Late, int Invalid)
{
    /// <summary>Events accounted for.</summary>
    public int Total => Applied + Duplicate + Late + Invalid;
}

/// <summary>
/// Applies a batch of events. Return only once every event is durably applied or rejected for
/// good; throw when that cannot be promised (e.g. the store is unreachable): nothing of the batch
/// is then acknowledged and the entries are delivered again. The handler must be idempotent by
/// event id, since a redelivered event may already have been applied.
/// </summary>
public delegate ValueTask<StreamBatchResult> StreamBatchHandler(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken);
