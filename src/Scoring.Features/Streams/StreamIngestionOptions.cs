using System.Globalization;

namespace Scoring.Features.Streams;

/// <summary>
/// Options of <see cref="StreamIngestionConsumer"/>. Every replica of the service uses the same
/// <see cref="StreamKey"/> and <see cref="Group"/> and its own <see cref="ConsumerName"/>, so the
/// group shares the entries out between them.
/// </summary>
public sealed class StreamIngestionOptions
{
    /// <summary>The stream events are published to (default <c>events:in</c>).</summary>
    public string StreamKey { get; set; } = "events:in";

    /// <summary>The consumer group shared by all replicas (default <c>scoring</c>).</summary>
    public string Group { get; set; } = "scoring";

    /// <summary>
    /// This consumer's name within the group (default machine name + process id). A replica
    /// restarted with the same name first re-reads the entries it had not acknowledged.
    /// </summary>
    public string ConsumerName { get; set; } = string.Concat(Environment.MachineName, "-", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Entries read (and handed to the handler) per XREADGROUP / XAUTOCLAIM (default 500).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Longest pause between two XREADGROUP polls of a drained stream (default 50 ms): the
    /// consumer re-reads at once while entries come, and when none do, waits 1 ms, 2 ms, 4 ms …
    /// up to this. It bounds the extra latency of an event published to an idle stream.
    /// (StackExchange.Redis sends no blocking XREADGROUP, so there is no BLOCK to wait in.)
    /// </summary>
    public TimeSpan MaxPollDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Entries delivered but not acknowledged for at least this long are claimed from their
    /// consumer (which is taken to have crashed or stalled) by XAUTOCLAIM (default 30 s). It
    /// must exceed the longest a healthy handler call takes, or entries are handled twice
    /// (harmless, see README, but wasteful). It is also the retry delay after a handler failure.
    /// </summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a consumer looks for idle entries to claim (default 5 s).</summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Deliveries an entry may have before it is moved to the dead-letter stream instead of
    /// being handled again (default 5).
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Where poison and undecodable entries go (default <c>events:in:dead</c>).</summary>
    public string DeadLetterStreamKey { get; set; } = "events:in:dead";

    /// <summary>
    /// Where a group that does not exist yet starts: <c>0</c> (default) reads the whole stream,
    /// <c>$</c> only entries added after the group is created.
    /// </summary>
    public string StartId { get; set; } = "0";

    /// <summary>How often stream lag and pending count are read for the gauges (default 5 s).</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause after a Redis error before the loop tries again (default 1 s).</summary>
    public TimeSpan ErrorDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        RequireKey(StreamKey, nameof(StreamKey));
        RequireName(Group, nameof(Group));
        RequireName(ConsumerName, nameof(ConsumerName));
        RequireKey(DeadLetterStreamKey, nameof(DeadLetterStreamKey));
        if (string.Equals(StreamKey, DeadLetterStreamKey, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{nameof(DeadLetterStreamKey)} must differ from {nameof(StreamKey)} ('{StreamKey}').", nameof(DeadLetterStreamKey));
        }

        RequireRange(BatchSize, 1, 10_000, nameof(BatchSize));
        RequireRange(MaxDeliveryAttempts, 1, 1_000, nameof(MaxDeliveryAttempts));
        RequireDuration(MaxPollDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10), nameof(MaxPollDelay));
        RequireDuration(ClaimIdleTime, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), nameof(ClaimIdleTime));
        RequireDuration(ClaimInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), nameof(ClaimInterval));
        RequireDuration(MetricsInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), nameof(MetricsInterval));
        RequireDuration(ErrorDelay, TimeSpan.Zero, TimeSpan.FromMinutes(5), nameof(ErrorDelay));
        if (StartId is not ("0" or "$") && !IsEntryId(StartId))
        {
            throw new ArgumentException($"{nameof(StartId)} must be '0', '$' or an entry id like '1700000000000-0' (was '{StartId}').", nameof(StartId));
        }
    }

    private static void RequireKey(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} must not be empty.", field);
        }
    }

    private static void RequireName(string? value, string field)
    {
        RequireKey(value, field);
        foreach (var c in value!)
        {
            if (c <= ' ' || c > '~')
            {
                throw new ArgumentException($"{field} must be printable ASCII without spaces (was '{value}').", field);
            }
        }
    }

    private static void RequireRange(int value, int min, int max, string field)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"{field} must be between {min} and {max} (was {value}).", field);
        }
    }

    private static void RequireDuration(TimeSpan value, TimeSpan min, TimeSpan max, string field)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"{field} must be between {min} and {max} (was {value}).", field);
        }
    }

    private static bool IsEntryId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var ms = dash < 0 ? id : id[..dash];
        return ulong.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && (dash < 0 || ulong.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }
}
