using System.Runtime.CompilerServices;

namespace Scoring.Transport.Metrics.Internal;

/// <summary>
/// The exact tag key and value objects of a recording, compared by reference. Callers pass
/// the same string instances call after call (literals, names cached at registration), so
/// this finds the series with a few pointer compares instead of hashing string contents.
/// Only all-string (or null) values are remembered: boxed numbers are new objects each time.
/// </summary>
internal sealed class IdentityKey
{
    private IdentityKey(object?[] references, int hash)
    {
        References = references;
        Hash = hash;
    }

    /// <summary>Key, value, key, value, ... in recorded order.</summary>
    public object?[] References { get; }

    public int Hash { get; }

    public static bool CanRemember(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Value is not (null or string))
            {
                return false;
            }
        }

        return true;
    }

    public static IdentityKey Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var references = new object?[tags.Length * 2];
        for (var i = 0; i < tags.Length; i++)
        {
            references[2 * i] = tags[i].Key;
            references[(2 * i) + 1] = tags[i].Value;
        }

        return new IdentityKey(references, IdentityComparer.HashOf(tags));
    }
}

internal sealed class IdentityComparer :
    IEqualityComparer<IdentityKey>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, IdentityKey>
{
    public static readonly IdentityComparer Instance = new();

    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash = HashCode.Combine(hash, RuntimeHelpers.GetHashCode(tag.Key), RuntimeHelpers.GetHashCode(tag.Value));
        }

        return hash;
    }

    public bool Equals(IdentityKey? x, IdentityKey? y) =>
        ReferenceEquals(x, y) ||
        (x is not null && y is not null && x.References.AsSpan().SequenceEqual(y.References, ReferenceEqualityComparer.Instance));

    public int GetHashCode(IdentityKey obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, IdentityKey other)
    {
        var references = other.References;
        if (references.Length != alternate.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < alternate.Length; i++)
        {
            if (!ReferenceEquals(alternate[i].Key, references[2 * i]) ||
                !ReferenceEquals(alternate[i].Value, references[(2 * i) + 1]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public IdentityKey Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => IdentityKey.Create(alternate);
}
