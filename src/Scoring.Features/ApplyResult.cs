namespace Scoring.Features;

/// <summary>What applying one event did.</summary>
public enum ApplyOutcome
{
    /// <summary>The event changed the state.</summary>
    Applied,
    /// <summary>The event id was seen before (within the lateness bound); nothing changed.</summary>
    Duplicate,
    /// <summary>The event is older than the watermark minus the lateness bound; nothing changed.</summary>
    Late,
    /// <summary>The event failed validation; nothing changed.</summary>
    Invalid,
}

/// <summary>
/// The result of <see cref="CustomerState.Apply"/>. For <see cref="ApplyOutcome.Invalid"/> and
/// <see cref="ApplyOutcome.Late"/> it names a stable reason code, the field path and a message.
/// </summary>
public readonly record struct ApplyResult(ApplyOutcome Outcome, string? Reason, string? Field, string? Message)
{
    /// <summary>The event was applied.</summary>
    public static ApplyResult Applied => new(ApplyOutcome.Applied, null, null, null);

    /// <summary>The event id was already applied.</summary>
    public static ApplyResult Duplicate => new(ApplyOutcome.Duplicate, "duplicate", "event_id", "event id already applied");

    /// <summary>The event is beyond the lateness bound.</summary>
    public static ApplyResult Late => new(ApplyOutcome.Late, "late", "event_time", "event time is older than the customer's newest event minus the lateness bound");

    /// <summary>Builds an invalid result from a validation error.</summary>
    public static ApplyResult Invalid(ValidationError error) => new(ApplyOutcome.Invalid, error.Reason, error.Field, error.Message);
}

/// <summary>A rejected event or profile: stable reason code, field path and readable message.</summary>
public readonly record struct ValidationError(string Reason, string Field, string Message);

/// <summary>Options for applying events.</summary>
public sealed class ApplyOptions
{
    /// <summary>Default options: 7 days lateness, the system clock.</summary>
    public static ApplyOptions Default { get; } = new();

    /// <summary>
    /// Events older than the customer's newest event time minus this are rejected as late
    /// (default 7 days). Must be between 0 and 150 days: daily buckets hold at least 184 days
    /// so a late event still lands in its exact day.
    /// </summary>
    public TimeSpan Lateness { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The server clock, for rejecting events too far in the future.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How far ahead of the clock an event time may be (5 minutes).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);
}
