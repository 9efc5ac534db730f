using System.Text;

namespace Scoring.Redis;

/// <summary>
/// A command argument: text, bytes, an integer or a double, encoded straight into the output
/// buffer (no intermediate string for numbers). Converts implicitly from those types.
/// </summary>
public readonly struct RedisValue
{
    private readonly object? _reference;
    private readonly long _integer;
    private readonly double _double;

    private RedisValue(object? reference, long integer, double value, RedisValueKind kind)
    {
        _reference = reference;
        _integer = integer;
        _double = value;
        Kind = kind;
    }

    internal RedisValueKind Kind { get; }

    internal string String => (string)_reference!;

    internal ReadOnlyMemory<byte> Bytes => _reference is byte[] array ? array : (ReadOnlyMemory<byte>)_reference!;

    internal long Integer => _integer;

    internal double Double => _double;

    /// <summary>Text, sent as UTF-8.</summary>
    public static implicit operator RedisValue(string value) =>
        new(value ?? throw new ArgumentNullException(nameof(value), "A Redis argument cannot be null."), 0, 0, RedisValueKind.String);

    /// <summary>Raw bytes.</summary>
    public static implicit operator RedisValue(byte[] value) =>
        new(value ?? throw new ArgumentNullException(nameof(value), "A Redis argument cannot be null."), 0, 0, RedisValueKind.Bytes);

    /// <summary>Raw bytes.</summary>
    public static implicit operator RedisValue(ReadOnlyMemory<byte> value) => new(value, 0, 0, RedisValueKind.Bytes);

    /// <summary>An integer, sent in decimal.</summary>
    public static implicit operator RedisValue(long value) => new(null, value, 0, RedisValueKind.Integer);

    /// <summary>An integer, sent in decimal.</summary>
    public static implicit operator RedisValue(int value) => new(null, value, 0, RedisValueKind.Integer);

    /// <summary>A double, sent in round-trip format (inf/-inf for infinities).</summary>
    public static implicit operator RedisValue(double value) => new(null, 0, value, RedisValueKind.Double);

    /// <summary>Explicit factory for text.</summary>
    public static RedisValue FromString(string value) => value;

    /// <summary>Explicit factory for bytes.</summary>
    public static RedisValue FromBytes(ReadOnlyMemory<byte> value) => value;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        RedisValueKind.String => String,
        RedisValueKind.Bytes => Encoding.UTF8.GetString(Bytes.Span),
        RedisValueKind.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => _double.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>What a <see cref="RedisValue"/> holds.</summary>
internal enum RedisValueKind
{
    String,
    Bytes,
    Integer,
    Double,
}
