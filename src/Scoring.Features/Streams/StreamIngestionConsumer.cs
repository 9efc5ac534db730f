using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scoring.Features.Streams.Internal;
using StackExchange.Redis;

namespace Scoring.Features.Streams;

/// <summary>Running totals of one consumer since it was created.</summary>
public readonly record struct StreamIngestionStatistics(
    long Applied, long Duplicate, long Late, long Invalid, long DeadLettered, long Acknowledged, long Claimed, long HandlerFailures);

/// <summary>
/// Reads the events stream as one consumer of a consumer group and applies each entry through a
/// <see cref="StreamBatchHandler"/>, exactly once in effect.
/// <para>Delivery is at least once: an entry is acknowledged (XACK) only after the handler has
/// returned for its batch, i.e. after its event is durably applied or rejected for good (invalid,
/// late, duplicate). If the handler throws, or the process dies between apply and ack, the entry
/// stays pending and is delivered again: re-read by this consumer when restarted under the same
/// name, or claimed (XAUTOCLAIM) by any consumer of the group once idle for
/// <see cref="StreamIngestionOptions.ClaimIdleTime"/>.</para>
/// <para>Effect is exactly once because the handler is idempotent by event id: the feature store
/// keeps the ids of applied events per customer for as long as an event of that age could still
/// be applied (the lateness bound), and checks Late before Duplicate. A redelivered event is
/// therefore either recognised as a duplicate or, once its id has been forgotten, rejected as
/// late; it can never be applied twice. See Streams/README.md.</para>
/// <para>An entry delivered more than <see cref="StreamIngestionOptions.MaxDeliveryAttempts"/>
/// times, or that is not a decodable event, is moved to the dead-letter stream (original id,
/// payload, reason) and acknowledged, atomically in one script.</para>
/// <para>StackExchange.Redis multiplexes one connection and never sends blocking commands
/// (https://stackexchange.github.io/StackExchange.Redis/PipelinesMultiplexers), so XREADGROUP
/// is sent without BLOCK: the loop reads again at once while entries come, and when the stream
/// is drained waits between polls, doubling from 1 ms up to
/// <see cref="StreamIngestionOptions.MaxPollDelay"/>.</para>
/// </summary>
public sealed partial class StreamIngestionConsumer : BackgroundService
{
    /// <summary>
    /// KEYS[1] = stream, KEYS[2] = dead-letter stream; ARGV = group, entry id, payload, reason,
    /// delivery count, consumer. Writes the dead letter and acknowledges the entry only while it
    /// is still pending, so two consumers racing over the same entry dead-letter it once; XADD
    /// comes first so that if it fails nothing is acknowledged and the entry is not lost.
    /// </summary>
    internal const string DeadLetterScriptSource = """
        if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1) == 0 then return 0 end
        redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'e', ARGV[3], 'reason', ARGV[4], 'deliveries', ARGV[5], 'group', ARGV[1], 'consumer', ARGV[6])
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;

    private static readonly TimeSpan MinPollDelay = TimeSpan.FromMilliseconds(1);
    private readonly IDatabase _db;
    private readonly StreamBatchHandler _handler;
    private readonly StreamIngestionOptions _options;
    private readonly ILogger _logger;
    private readonly IngestionMetrics _metrics;
    private long _applied, _duplicate, _late, _invalid, _deadLettered, _acknowledged, _claimed, _handlerFailures;

    /// <summary>
    /// Creates a consumer over a database of the process's shared multiplexer (reads, acks,
    /// claims and metrics all go through it). Options are validated here.
    /// </summary>
    public StreamIngestionConsumer(IDatabase database, StreamBatchHandler handler, StreamIngestionOptions options, ILogger<StreamIngestionConsumer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _db = database;
        _handler = handler;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = new IngestionMetrics(options.StreamKey, options.Group);
    }

    /// <summary>The dead-letter script (exposed for documentation and tests).</summary>
    public static string DeadLetterScript => DeadLetterScriptSource;

    /// <summary>Totals since creation.</summary>
    public StreamIngestionStatistics Statistics => new(
        Interlocked.Read(ref _applied),
        Interlocked.Read(ref _duplicate),
        Interlocked.Read(ref _late),
        Interlocked.Read(ref _invalid),
        Interlocked.Read(ref _deadLettered),
        Interlocked.Read(ref _acknowledged),
        Interlocked.Read(ref _claimed),
        Interlocked.Read(ref _handlerFailures));

    /// <summary>
    /// Creates the group if needed (XGROUP CREATE ... MKSTREAM; an existing group is fine), then
    /// reads, applies and acknowledges until <paramref name="cancellationToken"/> is cancelled.
    /// Redis errors are logged and retried after <see cref="StreamIngestionOptions.ErrorDelay"/>.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);

        // Start with this consumer's own pending entries ("0": a restart under the same name
        // resumes exactly where it stopped, in stream order), then new ones (">").
        RedisValue readId = "0";
        RedisValue claimCursor = "0-0";
        var nextClaim = DateTime.UtcNow;
        var nextMetrics = DateTime.UtcNow;
        var pollDelay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var now = DateTime.UtcNow;
                if (now >= nextMetrics)
                {
                    await RefreshGroupStateAsync(cancellationToken).ConfigureAwait(false);
                    nextMetrics = now + _options.MetricsInterval;
                }

                if (now >= nextClaim)
                {
                    claimCursor = await ClaimPageAsync(claimCursor, cancellationToken).ConfigureAwait(false);
                    if (claimCursor == "0-0")
                    {
                        nextClaim = DateTime.UtcNow + _options.ClaimInterval;
                    }
                }

                var entries = await _db.StreamReadGroupAsync(_options.StreamKey, _options.Group, _options.ConsumerName, readId, _options.BatchSize)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                if (readId != StreamPosition.NewMessages)
                {
                    if (entries.Length == 0)
                    {
                        readId = StreamPosition.NewMessages;
                        continue;
                    }

                    readId = entries[^1].Id;
                    await ProcessAsync(entries, redelivered: true, cancellationToken).ConfigureAwait(false);
                }
                else if (entries.Length > 0)
                {
                    pollDelay = TimeSpan.Zero;
                    await ProcessAsync(entries, redelivered: false, cancellationToken).ConfigureAwait(false);
                }
                else if (claimCursor == "0-0")
                {
                    // Drained, and no claim scan part-way: poll again after a growing pause.
                    pollDelay = pollDelay < MinPollDelay ? MinPollDelay : TimeSpan.FromTicks(Math.Min(pollDelay.Ticks * 2, _options.MaxPollDelay.Ticks));
                    await DelayAsync(pollDelay, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The stream or group was deleted under us: recreate it and carry on.
                LogGroupMissing(_logger, _options.StreamKey, _options.Group);
                await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisException ex)
            {
                LogRedisError(_logger, ex.GetType().Name, ex.Message);
                await DelayAsync(_options.ErrorDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        _metrics.Dispose();
        base.Dispose();
    }

    private async Task EnsureGroupAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _db.StreamCreateConsumerGroupAsync(_options.StreamKey, _options.Group, _options.StartId, createStream: true)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                LogGroupCreated(_logger, _options.StreamKey, _options.Group, _options.StartId);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // XGROUP CREATE of an existing group (another replica, or an earlier run): fine.
                return;
            }
            catch (RedisException ex) when (ex is not RedisServerException)
            {
                LogRedisError(_logger, ex.GetType().Name, ex.Message);
                await DelayAsync(_options.ErrorDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One XAUTOCLAIM page from <paramref name="cursor"/>; returns the next cursor ("0-0" when the scan is complete).</summary>
    private async Task<RedisValue> ClaimPageAsync(RedisValue cursor, CancellationToken cancellationToken)
    {
        // Entries deleted from the stream while pending come back in DeletedIds, already removed
        // from the pending list by Redis (https://redis.io/docs/latest/commands/xautoclaim/).
        var result = await _db.StreamAutoClaimAsync(_options.StreamKey, _options.Group, _options.ConsumerName, (long)_options.ClaimIdleTime.TotalMilliseconds, cursor, _options.BatchSize)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var claimed = result.ClaimedEntries ?? [];
        if (claimed.Length > 0)
        {
            Interlocked.Add(ref _claimed, claimed.Length);
            LogClaimed(_logger, claimed.Length, _options.ConsumerName);
            await ProcessAsync(claimed, redelivered: true, cancellationToken).ConfigureAwait(false);
        }

        return result.IsNull ? "0-0" : result.NextStartId;
    }

    /// <summary>Decodes, dead-letters what must be, hands the rest to the handler and acknowledges.</summary>
    private async Task ProcessAsync(StreamEntry[] entries, bool redelivered, CancellationToken cancellationToken)
    {
        // New entries (">") have been delivered once; for redelivered ones ask Redis how often.
        var deliveries = redelivered ? await DeliveryCountsAsync(entries, cancellationToken).ConfigureAwait(false) : null;
        var events = new List<StreamEvent>(entries.Length);
        List<RedisValue>? deleted = null;
        foreach (var entry in entries)
        {
            if (entry.Values is null or { Length: 0 })
            {
                // Deleted from the stream (XDEL/trim) while pending: nothing to apply.
                (deleted ??= []).Add(entry.Id);
                continue;
            }

            var count = deliveries is null ? 1 : deliveries.GetValueOrDefault((string)entry.Id!, 1);
            if (count > _options.MaxDeliveryAttempts)
            {
                await DeadLetterAsync(entry, $"max_deliveries_exceeded: delivered {count} times, limit {_options.MaxDeliveryAttempts}", count, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!StreamEntryFormat.TryDecode(entry, out var e, out var error))
            {
                await DeadLetterAsync(entry, error!, count, cancellationToken).ConfigureAwait(false);
                continue;
            }

            events.Add(new StreamEvent((string)entry.Id!, e!, count));
        }

        if (deleted is not null)
        {
            await AcknowledgeAsync(deleted).ConfigureAwait(false);
        }

        if (events.Count > 0 && !await TryHandleAsync(events, cancellationToken).ConfigureAwait(false) && events.Count > 1)
        {
            await BisectAsync(events, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a batch failed: handle each half on its own, so that one poison event does not keep
    /// a whole batch from being applied (and dead-lettered with it). Descends into the failing
    /// half while exactly one half fails; when both fail the cause is most likely not an event
    /// (e.g. the store is down), so it stops and leaves the rest for redelivery.
    /// At most about 2·log2(batch) extra handler calls.
    /// </summary>
    private async Task BisectAsync(List<StreamEvent> events, CancellationToken cancellationToken)
    {
        while (events.Count > 1)
        {
            var half = events.Count / 2;
            var left = events.GetRange(0, half);
            var right = events.GetRange(half, events.Count - half);
            var leftOk = await TryHandleAsync(left, cancellationToken).ConfigureAwait(false);
            var rightOk = await TryHandleAsync(right, cancellationToken).ConfigureAwait(false);
            if (leftOk == rightOk)
            {
                return;
            }

            events = leftOk ? right : left;
        }
    }

    /// <summary>Runs the handler; true when the batch is final and acknowledged.</summary>
    private async Task<bool> TryHandleAsync(List<StreamEvent> events, CancellationToken cancellationToken)
    {
        StreamBatchResult result;
        try
        {
            result = await _handler(events, cancellationToken).ConfigureAwait(false);
            if (result.Total != events.Count || result.Applied < 0 || result.Duplicate < 0 || result.Late < 0 || result.Invalid < 0)
            {
                throw new InvalidOperationException($"The handler accounted for {result.Total} of {events.Count} events; nothing of the batch is acknowledged.");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any handler failure means "not applied": the entries stay pending and are redelivered.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _handlerFailures);
            LogHandlerFailed(_logger, events.Count, ex.GetType().Name, ex.Message);
            return false;
        }

        var ids = new List<RedisValue>(events.Count);
        foreach (var e in events)
        {
            ids.Add(e.EntryId);
        }

        // Counted when the store has them, before the XACK: whoever sees the group drained also
        // sees them counted (a redelivery after a failed XACK counts as a duplicate).
        Interlocked.Add(ref _applied, result.Applied);
        Interlocked.Add(ref _duplicate, result.Duplicate);
        Interlocked.Add(ref _late, result.Late);
        Interlocked.Add(ref _invalid, result.Invalid);
        _metrics.Record(result);

        // Applied before acknowledged: a crash here only causes a redelivery, which the store
        // recognises by event id (see the class comment).
        await AcknowledgeAsync(ids).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// XACK, deliberately not cancellable: the events are already applied, so a stop request
    /// should not abandon it (it is bounded by the multiplexer's command timeout).
    /// </summary>
    private async Task AcknowledgeAsync(List<RedisValue> ids)
    {
        var acked = await _db.StreamAcknowledgeAsync(_options.StreamKey, _options.Group, [.. ids]).ConfigureAwait(false);
        Interlocked.Add(ref _acknowledged, acked);
    }

    private async Task<Dictionary<string, long>> DeliveryCountsAsync(StreamEntry[] entries, CancellationToken cancellationToken)
    {
        // Entries come in id order (PEL order); other pending entries of this consumer may lie
        // in the same range, hence the slack in the count.
        var pending = await _db.StreamPendingMessagesAsync(
            _options.StreamKey, _options.Group, entries.Length + 1000, _options.ConsumerName, entries[0].Id, entries[^1].Id)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(pending.Length, StringComparer.Ordinal);
        foreach (var p in pending)
        {
            counts[(string)p.MessageId!] = p.DeliveryCount;
        }

        return counts;
    }

    private async Task DeadLetterAsync(StreamEntry entry, string reason, long deliveries, CancellationToken cancellationToken)
    {
        var payload = StreamEntryFormat.Payload(entry) ?? [];
        // Rare: plain EVAL of the source (no script cache to lose on a restart).
        var moved = await _db.ScriptEvaluateAsync(
            DeadLetterScriptSource,
            [_options.StreamKey, _options.DeadLetterStreamKey],
            [_options.Group, entry.Id, payload, reason, deliveries, _options.ConsumerName],
            CommandFlags.NoScriptCache)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)moved == 1)
        {
            Interlocked.Increment(ref _deadLettered);
            Interlocked.Increment(ref _acknowledged);
            _metrics.RecordDeadLettered();
            LogDeadLettered(_logger, (string)entry.Id!, reason);
        }
    }

    private async Task RefreshGroupStateAsync(CancellationToken cancellationToken)
    {
        foreach (var group in await _db.StreamGroupInfoAsync(_options.StreamKey).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (group.Name == _options.Group)
            {
                _metrics.SetGroupState(group.Lag, group.PendingMessageCount);
                return;
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller's loop ends on the token.
        }
    }

    // Logs name streams, groups and entry ids only: never customer ids or event contents.
    [LoggerMessage(1, LogLevel.Information, "Created consumer group {Group} on stream {Stream} from {StartId}.")]
    private static partial void LogGroupCreated(ILogger logger, string stream, string group, string startId);

    [LoggerMessage(2, LogLevel.Warning, "Consumer group {Group} on stream {Stream} is missing; recreating it.")]
    private static partial void LogGroupMissing(ILogger logger, string stream, string group);

    [LoggerMessage(3, LogLevel.Warning, "Redis error in the ingestion loop ({Kind}): {Message}")]
    private static partial void LogRedisError(ILogger logger, string kind, string message);

    [LoggerMessage(4, LogLevel.Warning, "Handler failed for a batch of {Count} events ({Kind}: {Message}); they stay pending and will be redelivered.")]
    private static partial void LogHandlerFailed(ILogger logger, int count, string kind, string message);

    [LoggerMessage(5, LogLevel.Information, "Claimed {Count} idle entries for consumer {Consumer}.")]
    private static partial void LogClaimed(ILogger logger, int count, string consumer);

    [LoggerMessage(6, LogLevel.Warning, "Moved entry {EntryId} to the dead-letter stream: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string entryId, string reason);
}
