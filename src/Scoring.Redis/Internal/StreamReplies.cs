namespace Scoring.Redis.Internal;

/// <summary>
/// Decoders for stream replies. RESP2 sends flat arrays where RESP3 sends maps; both go through
/// <see cref="RedisResult.AsPairs"/>, so either protocol yields the same records.
/// </summary>
internal static class StreamReplies
{
    public static RedisStreamMessages[] ReadMessages(RedisResult reply)
    {
        if (reply.IsNull)
        {
            return [];
        }

        if (reply.Type == RedisResultType.Map)
        {
            return reply.AsPairs().Select(p => new RedisStreamMessages(p.Key.AsString()!, ReadEntries(p.Value))).ToArray();
        }

        return reply.Items.Select(s => new RedisStreamMessages(s.Items[0].AsString()!, ReadEntries(s.Items[1]))).ToArray();
    }

    public static RedisAutoClaimResult ReadAutoClaim(RedisResult reply)
    {
        var items = reply.Items;
        var deleted = items.Count > 2 ? items[2].Items.Select(i => i.AsString()!).ToArray() : [];
        return new RedisAutoClaimResult(items[0].AsString()!, ReadEntries(items[1]), deleted);
    }

    public static RedisPendingSummary ReadPendingSummary(RedisResult reply)
    {
        var items = reply.Items;
        var consumers = items[3].IsNull
            ? []
            : items[3].Items.Select(c => new KeyValuePair<string, long>(c.Items[0].AsString()!, c.Items[1].AsInt64())).ToArray();
        return new RedisPendingSummary(items[0].AsInt64(), items[1].AsString(), items[2].AsString(), consumers);
    }

    public static RedisPendingEntry[] ReadPendingRange(RedisResult reply) =>
        reply.Items.Select(e => new RedisPendingEntry(
            e.Items[0].AsString()!,
            e.Items[1].AsString()!,
            TimeSpan.FromMilliseconds(e.Items[2].AsInt64()),
            e.Items[3].AsInt64())).ToArray();

    public static RedisStreamGroupInfo[] ReadGroups(RedisResult reply) =>
        reply.Items.Select(g =>
        {
            var fields = ToDictionary(g);
            return new RedisStreamGroupInfo(
                fields["name"].AsString()!,
                fields["consumers"].AsInt64(),
                fields["pending"].AsInt64(),
                fields["last-delivered-id"].AsString()!,
                NullableInt64(fields, "entries-read"),
                NullableInt64(fields, "lag"));
        }).ToArray();

    public static RedisStreamInfo ReadInfo(RedisResult reply)
    {
        var fields = ToDictionary(reply);
        return new RedisStreamInfo(
            fields["length"].AsInt64(),
            fields["last-generated-id"].AsString()!,
            NullableInt64(fields, "entries-added") ?? 0,
            fields["groups"].AsInt64(),
            FirstId(fields, "first-entry"),
            FirstId(fields, "last-entry"));
    }

    private static RedisStreamEntry[] ReadEntries(RedisResult entries) =>
        entries.IsNull ? [] : entries.Items.Select(ReadEntry).ToArray();

    private static RedisStreamEntry ReadEntry(RedisResult entry)
    {
        var id = entry.Items[0].AsString()!;
        var fields = entry.Items[1];
        // A pending entry deleted after delivery is reported with nil fields.
        if (fields.IsNull)
        {
            return new RedisStreamEntry(id, []);
        }

        return new RedisStreamEntry(id, fields.AsPairs().Select(p => new KeyValuePair<string, byte[]>(p.Key.AsString()!, p.Value.AsBytes() ?? [])).ToArray());
    }

    private static Dictionary<string, RedisResult> ToDictionary(RedisResult reply) =>
        reply.AsPairs().ToDictionary(p => p.Key.AsString()!, p => p.Value, StringComparer.Ordinal);

    private static long? NullableInt64(Dictionary<string, RedisResult> fields, string name) =>
        fields.TryGetValue(name, out var value) && !value.IsNull ? value.AsInt64() : null;

    private static string? FirstId(Dictionary<string, RedisResult> fields, string name) =>
        fields.TryGetValue(name, out var value) && !value.IsNull ? value.Items[0].AsString() : null;
}
