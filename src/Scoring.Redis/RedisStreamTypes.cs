namespace Scoring.Redis;

/// <summary>One stream entry: its id and field/value pairs (empty when the entry was deleted).</summary>
public sealed record RedisStreamEntry(string Id, IReadOnlyList<KeyValuePair<string, byte[]>> Fields);

/// <summary>Entries read from one stream (XREADGROUP may read several streams at once).</summary>
public sealed record RedisStreamMessages(string Stream, IReadOnlyList<RedisStreamEntry> Entries);

/// <summary>XPENDING summary form.</summary>
public sealed record RedisPendingSummary(long Count, string? SmallestId, string? LargestId, IReadOnlyList<KeyValuePair<string, long>> Consumers);

/// <summary>XPENDING extended form: one delivered but unacknowledged entry.</summary>
public sealed record RedisPendingEntry(string Id, string Consumer, TimeSpan Idle, long DeliveryCount);

/// <summary>XAUTOCLAIM result: cursor for the next call, claimed entries, ids that no longer exist.</summary>
public sealed record RedisAutoClaimResult(string NextStartId, IReadOnlyList<RedisStreamEntry> Claimed, IReadOnlyList<string> DeletedIds);

/// <summary>XINFO GROUPS: one consumer group. <see cref="Lag"/> is null when Redis cannot compute it.</summary>
public sealed record RedisStreamGroupInfo(string Name, long Consumers, long Pending, string LastDeliveredId, long? EntriesRead, long? Lag);

/// <summary>XINFO STREAM (summary form).</summary>
public sealed record RedisStreamInfo(long Length, string LastGeneratedId, long EntriesAdded, long Groups, string? FirstEntryId, string? LastEntryId);
