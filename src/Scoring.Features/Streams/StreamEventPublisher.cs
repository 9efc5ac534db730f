using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Features.Streams;

/// <summary>
/// Publishes events to the ingestion stream in <see cref="StreamEntryFormat"/> (XADD, one field
/// <c>e</c>). With <paramref name="maxLength"/> each XADD also trims the stream to about that many
/// entries (MAXLEN ~): choose it well above what consumers may lag behind, because trimmed
/// entries that were never read are lost to the group.
/// </summary>
public sealed class StreamEventPublisher(IDatabase database, string streamKey = "events:in", long? maxLength = null)
{
    /// <summary>Entries sent per pipelined write in <see cref="PublishAsync(IReadOnlyList{Event}, CancellationToken)"/>.</summary>
    public const int PipelineSize = 1000;

    private readonly IDatabase _db = database ?? throw new ArgumentNullException(nameof(database));
    private readonly string _streamKey = string.IsNullOrWhiteSpace(streamKey) ? throw new ArgumentException("The stream key must not be empty.", nameof(streamKey)) : streamKey;
    private readonly long? _maxLength = maxLength is < 1 ? throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxLength must be at least 1.") : maxLength;

    /// <summary>Publishes one event; returns its entry id.</summary>
    public async ValueTask<string> PublishAsync(Event e, CancellationToken cancellationToken = default)
    {
        var id = await Add(_db, e).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (string?)id ?? throw new InvalidOperationException("XADD returned no id.");
    }

    /// <summary>
    /// Publishes events in order, <see cref="PipelineSize"/> XADDs per write; returns their entry
    /// ids. A failure part-way leaves the earlier events published (ids are not returned then).
    /// </summary>
    public async Task<string[]> PublishAsync(IReadOnlyList<Event> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ids = new string[events.Count];
        var pending = new Task<RedisValue>[Math.Min(PipelineSize, events.Count)];
        for (var start = 0; start < events.Count; start += PipelineSize)
        {
            var n = Math.Min(PipelineSize, events.Count - start);
            var batch = _db.CreateBatch();
            for (var i = 0; i < n; i++)
            {
                var e = events[start + i] ?? throw new ArgumentException($"events[{start + i}] is null.", nameof(events));
                pending[i] = Add(batch, e);
            }

            batch.Execute();
            for (var i = 0; i < n; i++)
            {
                ids[start + i] = (string?)await pending[i].WaitAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("XADD returned no id.");
            }
        }

        return ids;
    }

    // MAXLEN ~ (approximate trimming, https://redis.io/docs/latest/commands/xadd/) when a length is set.
    private Task<RedisValue> Add(IDatabaseAsync target, Event e) =>
        target.StreamAddAsync(_streamKey, StreamEntryFormat.EventField, StreamEntryFormat.Encode(e), maxLength: _maxLength, useApproximateMaxLength: true);
}
