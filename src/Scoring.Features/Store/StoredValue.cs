using System.Buffers.Binary;

namespace Scoring.Features.Store;

/// <summary>
/// The Redis value under <c>cust:{id}</c>: an 8-byte big-endian version, then the serialized
/// <see cref="CustomerState"/> (whose first byte is its format version). The version is what the
/// compare-and-set script compares; it starts at 1 and grows by one per write.
/// </summary>
internal static class StoredValue
{
    public const int VersionBytes = 8;

    public static byte[] Compose(ulong version, CustomerState state)
    {
        var payload = state.Serialize();
        var value = new byte[VersionBytes + payload.Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, version);
        payload.CopyTo(value.AsSpan(VersionBytes));
        return value;
    }

    /// <summary>Splits a stored value; null (absent key) gives version 0 and a new state.</summary>
    public static (ulong Version, CustomerState State) Parse(byte[]? value)
    {
        if (value is null)
        {
            return (0, new CustomerState());
        }

        if (value.Length <= VersionBytes)
        {
            throw new InvalidDataException("A stored customer state is shorter than its version header.");
        }

        return (BinaryPrimitives.ReadUInt64BigEndian(value), CustomerState.Deserialize(value.AsSpan(VersionBytes)));
    }

    /// <summary>The serialized state of a stored value (the part after the version header).</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> value) =>
        value.Length <= VersionBytes
            ? throw new InvalidDataException("A stored customer state is shorter than its version header.")
            : value[VersionBytes..];

    /// <summary>The expected-version argument of the script: empty when the key must not exist yet.</summary>
    public static byte[] ExpectedVersion(ulong version)
    {
        if (version == 0)
        {
            return [];
        }

        var v = new byte[VersionBytes];
        BinaryPrimitives.WriteUInt64BigEndian(v, version);
        return v;
    }
}
