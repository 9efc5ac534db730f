using System.Globalization;

namespace Scoring.Transport.Metrics.Internal;

/// <summary>
/// One combination of tag values, stored in key order so that the same tags given in any
/// order find the same series. <see cref="Rendered"/> is the escaped Prometheus label list
/// (without braces), computed once when the series is created, never on a scrape.
/// </summary>
internal sealed class LabelSet
{
    public static readonly LabelSet Empty = new([], [], 0);

    private LabelSet(string[] keys, string[] values, int hash, string[]? recordedKeys = null, string[]? recordedValues = null)
    {
        Keys = keys;
        Values = values;
        Hash = hash;
        RecordedKeys = recordedKeys ?? keys;
        RecordedValues = recordedValues ?? values;
        Rendered = PrometheusText.RenderLabels(keys, values);
    }

    /// <summary>Tag keys as recorded (equality is on these, rendering sanitises them).</summary>
    public string[] Keys { get; }

    /// <summary>Tag values as text (invariant culture).</summary>
    public string[] Values { get; }

    /// <summary>Keys in the order first recorded: callers repeat their order, which makes the common match positional.</summary>
    public string[] RecordedKeys { get; }

    /// <summary>Values in the order first recorded.</summary>
    public string[] RecordedValues { get; }

    public int Hash { get; }

    public string Rendered { get; }

    public static LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Empty;
        }

        var keys = new string[tags.Length];
        var values = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            keys[i] = tags[i].Key;
            values[i] = FormatToString(tags[i].Value);
        }

        var recordedKeys = (string[])keys.Clone();
        var recordedValues = (string[])values.Clone();
        Array.Sort(keys, values, StringComparer.Ordinal);
        return new LabelSet(keys, values, LabelSetComparer.HashOf(tags), recordedKeys, recordedValues);
    }

    /// <summary>
    /// Writes a tag value as text without allocating for strings and the common value types,
    /// so that looking up a series on the hot path allocates nothing.
    /// </summary>
    public static ReadOnlySpan<char> Format(object? value, Span<char> buffer) => value switch
    {
        null => [],
        string s => s,
        bool b => b ? "true" : "false",
        ISpanFormattable f when f.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture) =>
            buffer[..written],
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string FormatToString(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>
/// Matches a recorded tag span against stored label sets without materialising it: the hash
/// is order-independent and equality looks each tag up by key.
/// </summary>
internal sealed class LabelSetComparer :
    IEqualityComparer<LabelSet>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, LabelSet>
{
    public static readonly LabelSetComparer Instance = new();

    private const int FormatBufferLength = 64;

    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Span<char> buffer = stackalloc char[FormatBufferLength];
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            // Summing keeps the hash independent of tag order. Values only: equal label sets
            // still hash equal, and keys rarely tell two series of one metric apart.
            hash = unchecked(hash + (tag.Value is string s ? s.GetHashCode() : string.GetHashCode(LabelSet.Format(tag.Value, buffer))));
        }

        return hash;
    }

    public bool Equals(LabelSet? x, LabelSet? y) =>
        ReferenceEquals(x, y) ||
        (x is not null && y is not null && x.Hash == y.Hash &&
         x.Keys.AsSpan().SequenceEqual(y.Keys) && x.Values.AsSpan().SequenceEqual(y.Values));

    public int GetHashCode(LabelSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, LabelSet other)
    {
        if (alternate.Length != other.Keys.Length)
        {
            return false;
        }

        // Fast path: the tags in the order they were first recorded.
        var positional = true;
        for (var i = 0; i < alternate.Length && positional; i++)
        {
            positional = string.Equals(alternate[i].Key, other.RecordedKeys[i], StringComparison.Ordinal) &&
                alternate[i].Value is string value && string.Equals(value, other.RecordedValues[i], StringComparison.Ordinal);
        }

        if (positional)
        {
            return true;
        }

        Span<char> buffer = stackalloc char[FormatBufferLength];
        foreach (var tag in alternate)
        {
            var index = Array.BinarySearch(other.Keys, tag.Key, StringComparer.Ordinal);
            if (index < 0 || !LabelSet.Format(tag.Value, buffer).SequenceEqual(other.Values[index]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => LabelSet.Create(alternate);
}
