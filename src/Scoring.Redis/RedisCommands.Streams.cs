using Scoring.Redis.Internal;
using Scoring.Redis.Protocol;

namespace Scoring.Redis;

/// <summary>Stream commands (event ingestion). Replies are decoded for RESP2 and RESP3 alike.</summary>
public abstract partial class RedisCommands
{
    private static readonly ReplyReader<RedisStreamMessages[]> s_readGroup = static (ref RespReader r) => StreamReplies.ReadMessages(r.ReadResult());
    private static readonly ReplyReader<RedisAutoClaimResult> s_autoClaim = static (ref RespReader r) => StreamReplies.ReadAutoClaim(r.ReadResult());
    private static readonly ReplyReader<RedisPendingSummary> s_pendingSummary = static (ref RespReader r) => StreamReplies.ReadPendingSummary(r.ReadResult());
    private static readonly ReplyReader<RedisPendingEntry[]> s_pendingRange = static (ref RespReader r) => StreamReplies.ReadPendingRange(r.ReadResult());
    private static readonly ReplyReader<RedisStreamGroupInfo[]> s_groups = static (ref RespReader r) => StreamReplies.ReadGroups(r.ReadResult());
    private static readonly ReplyReader<RedisStreamInfo> s_info = static (ref RespReader r) => StreamReplies.ReadInfo(r.ReadResult());

    /// <summary>
    /// XADD key [MAXLEN ~ n] id field value...; returns the entry id. With
    /// <paramref name="approximateTrim"/> Redis trims whole macro-nodes only (cheap; keeps at least n).
    /// </summary>
    public ValueTask<string?> StreamAddAsync(string key, ReadOnlySpan<KeyValuePair<string, RedisValue>> fields, string id = "*", long? maxLength = null, bool approximateTrim = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (fields.IsEmpty)
        {
            throw new ArgumentException("XADD needs at least one field.", nameof(fields));
        }

        if (maxLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "MAXLEN must not be negative.");
        }

        foreach (var field in fields)
        {
            ArgumentNullException.ThrowIfNull(field.Key, nameof(fields));
        }

        var op = new PendingOperation<string?>("XADD", Replies.String);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$4\r\nXADD\r\n"u8, 2 + (2 * fields.Length) + (maxLength is null ? 0 : approximateTrim ? 3 : 2));
            w.Arg(key);
            if (maxLength is { } max)
            {
                w.Raw("$6\r\nMAXLEN\r\n"u8);
                if (approximateTrim)
                {
                    w.Raw("$1\r\n~\r\n"u8);
                }

                w.Arg(max);
            }

            w.Arg(id);
            foreach (var field in fields)
            {
                w.Arg(field.Key);
                w.Arg(field.Value);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>
    /// XGROUP CREATE key group startId [MKSTREAM]; returns false when the group already exists
    /// (BUSYGROUP), so start-up code can call it unconditionally.
    /// </summary>
    public async ValueTask<bool> StreamCreateGroupAsync(string key, string group, string startId = "$", bool createStream = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(startId);
        var op = new PendingOperation<bool>("XGROUP", Replies.Status);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$6\r\nXGROUP\r\n"u8, createStream ? 5 : 4);
            w.Raw("$6\r\nCREATE\r\n"u8);
            w.Arg(key);
            w.Arg(group);
            w.Arg(startId);
            if (createStream)
            {
                w.Raw("$8\r\nMKSTREAM\r\n"u8);
            }

            w.End();
        }

        try
        {
            return await op.Task.ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Prefix == "BUSYGROUP")
        {
            return false;
        }
    }

    /// <summary>Checks XREAD/XREADGROUP's COUNT and BLOCK; returns BLOCK in milliseconds (-1 when absent).</summary>
    private static long ReadOptions(int? count, TimeSpan? block)
    {
        if (count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "COUNT must be positive.");
        }

        var blockMs = block is { } b ? (long)b.TotalMilliseconds : -1;
        return block is not null && blockMs < 0
            ? throw new ArgumentOutOfRangeException(nameof(block), block, "BLOCK must not be negative.")
            : blockMs;
    }

    /// <summary>
    /// XREAD [COUNT n] [BLOCK ms] STREAMS key id: entries of one stream after <paramref name="afterId"/>,
    /// without a consumer group (every reader sees every entry). Returns an empty array when
    /// BLOCK times out. Blocking stalls later commands on the connection: use
    /// <see cref="RedisClient.CreateDedicatedConnectionAsync"/>; the command timeout is extended by <paramref name="block"/>.
    /// </summary>
    public ValueTask<RedisStreamMessages[]> StreamReadAsync(string key, string afterId, int? count = null, TimeSpan? block = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(afterId);
        var blockMs = ReadOptions(count, block);

        var op = new PendingOperation<RedisStreamMessages[]>("XREAD", s_readGroup) { ExtraTimeout = block ?? TimeSpan.Zero };
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$5\r\nXREAD\r\n"u8, 3 + (count is null ? 0 : 2) + (block is null ? 0 : 2));
            if (count is { } n)
            {
                w.Raw("$5\r\nCOUNT\r\n"u8);
                w.Arg(n);
            }

            if (block is not null)
            {
                w.Raw("$5\r\nBLOCK\r\n"u8);
                w.Arg(blockMs);
            }

            w.Raw("$7\r\nSTREAMS\r\n"u8);
            w.Arg(key);
            w.Arg(afterId);
            w.End();
        }

        return op.Task;
    }

    /// <summary>
    /// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS k1 k2... id id...; <paramref name="id"/>
    /// applies to every stream (">" = new entries, "0" = this consumer's pending ones). Returns
    /// an empty array when BLOCK times out. A blocking read stalls every later command on its
    /// connection: use <see cref="RedisClient.CreateDedicatedConnectionAsync"/>. The command
    /// timeout is extended by <paramref name="block"/>.
    /// </summary>
    public ValueTask<RedisStreamMessages[]> StreamReadGroupAsync(string group, string consumer, ReadOnlySpan<string> streams, int? count = null, TimeSpan? block = null, string id = ">", bool noAck = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (streams.IsEmpty)
        {
            throw new ArgumentException("XREADGROUP needs at least one stream.", nameof(streams));
        }

        foreach (var stream in streams)
        {
            ArgumentNullException.ThrowIfNull(stream, nameof(streams));
        }

        var blockMs = ReadOptions(count, block);

        var op = new PendingOperation<RedisStreamMessages[]>("XREADGROUP", s_readGroup) { ExtraTimeout = block ?? TimeSpan.Zero };
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$10\r\nXREADGROUP\r\n"u8, 4 + (count is null ? 0 : 2) + (block is null ? 0 : 2) + (noAck ? 1 : 0) + (2 * streams.Length));
            w.Raw("$5\r\nGROUP\r\n"u8);
            w.Arg(group);
            w.Arg(consumer);
            if (count is { } n)
            {
                w.Raw("$5\r\nCOUNT\r\n"u8);
                w.Arg(n);
            }

            if (block is not null)
            {
                w.Raw("$5\r\nBLOCK\r\n"u8);
                w.Arg(blockMs);
            }

            if (noAck)
            {
                w.Raw("$5\r\nNOACK\r\n"u8);
            }

            w.Raw("$7\r\nSTREAMS\r\n"u8);
            foreach (var stream in streams)
            {
                w.Arg(stream);
            }

            for (var i = 0; i < streams.Length; i++)
            {
                w.Arg(id);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>XACK key group id...; returns how many entries were acknowledged.</summary>
    public ValueTask<long> StreamAcknowledgeAsync(string key, string group, ReadOnlySpan<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        RequireIds(ids);
        var op = new PendingOperation<long>("XACK", Replies.Int64);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$4\r\nXACK\r\n"u8, 2 + ids.Length);
            w.Arg(key);
            w.Arg(group);
            foreach (var id in ids)
            {
                w.Arg(id);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>XAUTOCLAIM key group consumer min-idle start [COUNT n]: takes over entries idle for at least <paramref name="minIdle"/>.</summary>
    public ValueTask<RedisAutoClaimResult> StreamAutoClaimAsync(string key, string group, string consumer, TimeSpan minIdle, string startId = "0-0", int? count = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        ArgumentException.ThrowIfNullOrWhiteSpace(startId);
        if (minIdle < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minIdle), minIdle, "The minimum idle time must not be negative.");
        }

        if (count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "COUNT must be positive.");
        }

        var op = new PendingOperation<RedisAutoClaimResult>("XAUTOCLAIM", s_autoClaim);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$10\r\nXAUTOCLAIM\r\n"u8, 5 + (count is null ? 0 : 2));
            w.Arg(key);
            w.Arg(group);
            w.Arg(consumer);
            w.Arg((long)minIdle.TotalMilliseconds);
            w.Arg(startId);
            if (count is { } n)
            {
                w.Raw("$5\r\nCOUNT\r\n"u8);
                w.Arg(n);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>XPENDING key group (summary form).</summary>
    public ValueTask<RedisPendingSummary> StreamPendingAsync(string key, string group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        var op = new PendingOperation<RedisPendingSummary>("XPENDING", s_pendingSummary);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$8\r\nXPENDING\r\n"u8, 2);
            w.Arg(key);
            w.Arg(group);
            w.End();
        }

        return op.Task;
    }

    /// <summary>XPENDING key group [IDLE ms] start end count [consumer] (extended form).</summary>
    public ValueTask<RedisPendingEntry[]> StreamPendingRangeAsync(string key, string group, int count, string startId = "-", string endId = "+", string? consumer = null, TimeSpan? minIdle = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(startId);
        ArgumentException.ThrowIfNullOrWhiteSpace(endId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var op = new PendingOperation<RedisPendingEntry[]>("XPENDING", s_pendingRange);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$8\r\nXPENDING\r\n"u8, 5 + (minIdle is null ? 0 : 2) + (consumer is null ? 0 : 1));
            w.Arg(key);
            w.Arg(group);
            if (minIdle is { } idle)
            {
                w.Raw("$4\r\nIDLE\r\n"u8);
                w.Arg((long)idle.TotalMilliseconds);
            }

            w.Arg(startId);
            w.Arg(endId);
            w.Arg(count);
            if (consumer is not null)
            {
                w.Arg(consumer);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>XLEN key.</summary>
    public ValueTask<long> StreamLengthAsync(string key, CancellationToken cancellationToken = default) =>
        Key1("XLEN", "$4\r\nXLEN\r\n"u8, key, Replies.Int64, cancellationToken);

    /// <summary>XINFO GROUPS key: per group pending count and lag (for consumer-lag metrics).</summary>
    public ValueTask<RedisStreamGroupInfo[]> StreamGroupsInfoAsync(string key, CancellationToken cancellationToken = default) =>
        Key2("XINFO", "$5\r\nXINFO\r\n"u8, "GROUPS", key, s_groups, cancellationToken);

    /// <summary>XINFO STREAM key.</summary>
    public ValueTask<RedisStreamInfo> StreamInfoAsync(string key, CancellationToken cancellationToken = default) =>
        Key2("XINFO", "$5\r\nXINFO\r\n"u8, "STREAM", key, s_info, cancellationToken);

    /// <summary>XDEL key id...; returns how many entries were deleted.</summary>
    public ValueTask<long> StreamDeleteAsync(string key, ReadOnlySpan<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RequireIds(ids);
        return KeyAndN("XDEL", "$4\r\nXDEL\r\n"u8, key, ids, Replies.Int64, cancellationToken);
    }

    /// <summary>XTRIM key MAXLEN [~] n; returns how many entries were removed.</summary>
    public ValueTask<long> StreamTrimAsync(string key, long maxLength, bool approximate = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var op = new PendingOperation<long>("XTRIM", Replies.Int64);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$5\r\nXTRIM\r\n"u8, approximate ? 4 : 3);
            w.Arg(key);
            w.Raw("$6\r\nMAXLEN\r\n"u8);
            if (approximate)
            {
                w.Raw("$1\r\n~\r\n"u8);
            }

            w.Arg(maxLength);
            w.End();
        }

        return op.Task;
    }

    private static void RequireIds(ReadOnlySpan<string> ids)
    {
        if (ids.IsEmpty)
        {
            throw new ArgumentException("At least one entry id is required.", nameof(ids));
        }

        foreach (var id in ids)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id, nameof(ids));
        }
    }
}
