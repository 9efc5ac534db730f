using Scoring.Redis.Protocol;

namespace Scoring.Redis.Internal;

/// <summary>Reply decoders shared by the typed commands (static lambdas: allocated once).</summary>
internal static class Replies
{
    public static readonly ReplyReader<bool> Status = static (ref RespReader r) =>
    {
        r.ReadStatus();
        return true;
    };

    public static readonly ReplyReader<string?> String = static (ref RespReader r) => r.ReadString();

    public static readonly ReplyReader<byte[]?> Bytes = static (ref RespReader r) => r.ReadBytes();

    public static readonly ReplyReader<RedisLease?> Lease = static (ref RespReader r) => r.ReadLease();

    public static readonly ReplyReader<long> Int64 = static (ref RespReader r) => r.ReadInt64();

    public static readonly ReplyReader<long?> NullableInt64 = static (ref RespReader r) => r.ReadNullableInt64();

    public static readonly ReplyReader<bool> Boolean = static (ref RespReader r) => r.ReadBoolean();

    public static readonly ReplyReader<double?> Double = static (ref RespReader r) => r.ReadDouble();

    public static readonly ReplyReader<RedisResult> Result = static (ref RespReader r) => r.ReadResult();

    /// <summary>SET: +OK when written, nil when NX/XX prevented it.</summary>
    public static readonly ReplyReader<bool> OkOrNull = static (ref RespReader r) =>
    {
        r.ReadHeader();
        var wasSet = !r.IsNull;
        r.SkipBody();
        return wasSet;
    };

    /// <summary>An array of bulk strings (MGET, HMGET) as byte arrays, nil elements as null.</summary>
    public static readonly ReplyReader<byte[]?[]> BytesArray = static (ref RespReader r) =>
    {
        var count = r.ReadAggregateLength();
        if (count <= 0)
        {
            return [];
        }

        var values = new byte[]?[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadBytes();
        }

        return values;
    };

    /// <summary>HGETALL: RESP3 map or RESP2 flat array of field, value, field, value...</summary>
    public static readonly ReplyReader<KeyValuePair<string, byte[]>[]> HashEntries = static (ref RespReader r) =>
    {
        r.ReadHeader();
        if (r.IsNull)
        {
            return [];
        }

        var pairs = r.Prefix == (byte)'%' ? r.Length : r.Length / 2;
        var entries = new KeyValuePair<string, byte[]>[pairs];
        for (var i = 0; i < entries.Length; i++)
        {
            var field = r.ReadString()!;
            entries[i] = new(field, r.ReadBytes() ?? []);
        }

        return entries;
    };

    /// <summary>Reads a RESP error reply with the remaining data intact; used where an element may be an error.</summary>
    public static RedisServerException? TryError(ref RespReader r) => r.TryReadError(out var error) ? error : null;
}
