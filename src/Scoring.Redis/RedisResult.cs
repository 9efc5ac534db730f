using System.Globalization;
using System.Numerics;
using System.Text;

namespace Scoring.Redis;

/// <summary>RESP2/RESP3 reply types.</summary>
public enum RedisResultType
{
    /// <summary><c>+</c> simple string.</summary>
    SimpleString,

    /// <summary><c>-</c> or <c>!</c> error (only inside aggregates; top-level errors throw).</summary>
    Error,

    /// <summary><c>:</c> integer.</summary>
    Integer,

    /// <summary><c>$</c> bulk string.</summary>
    BulkString,

    /// <summary><c>*</c> array.</summary>
    Array,

    /// <summary><c>_</c>, <c>$-1</c> or <c>*-1</c>.</summary>
    Null,

    /// <summary><c>,</c> double (RESP3).</summary>
    Double,

    /// <summary><c>#</c> boolean (RESP3).</summary>
    Boolean,

    /// <summary><c>(</c> big number (RESP3).</summary>
    BigNumber,

    /// <summary><c>=</c> verbatim string (RESP3).</summary>
    VerbatimString,

    /// <summary><c>%</c> map (RESP3); items hold keys and values alternately.</summary>
    Map,

    /// <summary><c>~</c> set (RESP3).</summary>
    Set,

    /// <summary><c>&gt;</c> push (RESP3 out-of-band data).</summary>
    Push,
}

/// <summary>
/// A fully materialised reply, for the generic <see cref="RedisClient.ExecuteAsync(string, object[])"/>
/// path and push messages. Typed commands avoid it and decode straight from the receive buffer.
/// </summary>
public sealed class RedisResult
{
    private static readonly RedisResult[] s_empty = [];
    private readonly byte[]? _bytes;
    private readonly RedisResult[]? _items;
    private readonly long _integer;
    private readonly double _double;

    private RedisResult(RedisResultType type, byte[]? bytes, RedisResult[]? items, long integer, double value, string? format)
    {
        Type = type;
        _bytes = bytes;
        _items = items;
        _integer = integer;
        _double = value;
        VerbatimFormat = format;
    }

    /// <summary>The null reply.</summary>
    public static RedisResult Null { get; } = new(RedisResultType.Null, null, null, 0, 0, null);

    /// <summary>The reply type.</summary>
    public RedisResultType Type { get; }

    /// <summary>True for nulls.</summary>
    public bool IsNull => Type == RedisResultType.Null;

    /// <summary>For verbatim strings: the three-letter format (e.g. <c>txt</c>).</summary>
    public string? VerbatimFormat { get; }

    /// <summary>Child elements of arrays, sets, pushes and maps (maps: key, value, key, value...).</summary>
    public IReadOnlyList<RedisResult> Items => _items ?? s_empty;

    /// <summary>The value as a 64-bit integer.</summary>
    public long AsInt64() => Type switch
    {
        RedisResultType.Integer => _integer,
        RedisResultType.Boolean => _integer,
        RedisResultType.Double => checked((long)_double),
        RedisResultType.SimpleString or RedisResultType.BulkString or RedisResultType.BigNumber or RedisResultType.VerbatimString
            when long.TryParse(_bytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw Mismatch("an integer"),
    };

    /// <summary>The value as a double.</summary>
    public double AsDouble() => Type switch
    {
        RedisResultType.Double => _double,
        RedisResultType.Integer => _integer,
        RedisResultType.SimpleString or RedisResultType.BulkString or RedisResultType.VerbatimString
            => Protocol.RespReader.ParseDouble(_bytes),
        _ => throw Mismatch("a double"),
    };

    /// <summary>The value as a boolean (RESP3 boolean, or integer 0/1).</summary>
    public bool AsBoolean() => Type switch
    {
        RedisResultType.Boolean or RedisResultType.Integer => _integer != 0,
        _ => throw Mismatch("a boolean"),
    };

    /// <summary>The value as a big integer (big numbers and integers).</summary>
    public BigInteger AsBigInteger() => Type switch
    {
        RedisResultType.Integer => _integer,
        RedisResultType.BigNumber or RedisResultType.BulkString or RedisResultType.SimpleString
            => BigInteger.Parse(Encoding.ASCII.GetString(_bytes!), CultureInfo.InvariantCulture),
        _ => throw Mismatch("a big number"),
    };

    /// <summary>The value's bytes (strings, errors, big numbers); null for nulls.</summary>
    public byte[]? AsBytes() => Type switch
    {
        RedisResultType.Null => null,
        _ when _bytes is not null => _bytes,
        RedisResultType.Integer => Encoding.ASCII.GetBytes(_integer.ToString(CultureInfo.InvariantCulture)),
        _ => throw Mismatch("a string"),
    };

    /// <summary>The value as text; null for nulls.</summary>
    public string? AsString() => Type switch
    {
        RedisResultType.Null => null,
        RedisResultType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RedisResultType.Double => _double.ToString("R", CultureInfo.InvariantCulture),
        RedisResultType.Boolean => _integer != 0 ? "true" : "false",
        _ when _bytes is not null => Encoding.UTF8.GetString(_bytes),
        _ => throw Mismatch("a string"),
    };

    /// <summary>
    /// Key/value pairs of a RESP3 map, or of a RESP2 flat array with an even number of items
    /// (what HGETALL and CONFIG GET return without HELLO 3).
    /// </summary>
    public IReadOnlyList<KeyValuePair<RedisResult, RedisResult>> AsPairs()
    {
        if (Type is not (RedisResultType.Map or RedisResultType.Array) || _items!.Length % 2 != 0)
        {
            throw Mismatch("a map");
        }

        var pairs = new KeyValuePair<RedisResult, RedisResult>[_items.Length / 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new(_items[2 * i], _items[(2 * i) + 1]);
        }

        return pairs;
    }

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        RedisResultType.Array or RedisResultType.Set or RedisResultType.Push or RedisResultType.Map
            => $"{Type}[{_items!.Length}]",
        RedisResultType.Null => "(nil)",
        _ => AsString() ?? string.Empty,
    };

    internal static RedisResult FromBytes(RedisResultType type, byte[] bytes) => new(type, bytes, null, 0, 0, null);

    internal static RedisResult FromVerbatim(string format, byte[] bytes) => new(RedisResultType.VerbatimString, bytes, null, 0, 0, format);

    internal static RedisResult FromInteger(long value) => new(RedisResultType.Integer, null, null, value, 0, null);

    internal static RedisResult FromDouble(double value) => new(RedisResultType.Double, null, null, 0, value, null);

    internal static RedisResult FromBoolean(bool value) => new(RedisResultType.Boolean, null, null, value ? 1 : 0, 0, null);

    internal static RedisResult FromItems(RedisResultType type, RedisResult[] items) => new(type, null, items, 0, 0, null);

    private InvalidCastException Mismatch(string wanted) => new($"The reply is {Type}, not {wanted}.");
}
