using Google.Protobuf.Collections;
using Scoring.Decisions.Internal;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>
/// Turns TreeSHAP contributions into churn reasons an agent can read aloud: the top-k
/// features pushing risk up (positive contribution), strongest first, each phrased from its
/// live value. A feature whose live value is missing (NaN) never becomes a reason.
/// Built per model: contributions and values are in the model's feature order.
/// </summary>
public sealed class ReasonWriter
{
    public const int DefaultMaxReasons = 3;
    public const int MaxReasonsLimit = 10;

    private readonly string[] _codes;
    private readonly Func<double, string>[] _phrasers;

    public ReasonWriter(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _codes = new string[schema.Count];
        _phrasers = new Func<double, string>[schema.Count];
        for (var i = 0; i < schema.Count; i++)
        {
            var name = schema.Name(i);
            _codes[i] = name;
            // Resolved once: the per-call path indexes arrays only.
            var label = Phrases.Label(schema.Meaning(i));
            _phrasers[i] = ReasonTemplates.ByFeature.TryGetValue(name, out var phrase)
                ? phrase
                : v => ReasonTemplates.Fallback(label, v);
        }
    }

    /// <summary>The features this writer phrases, in the model's order.</summary>
    public IReadOnlyList<string> Codes => Array.AsReadOnly(_codes);

    /// <summary>The readable text for one feature value.</summary>
    public string Text(int featureIndex, double value) => _phrasers[featureIndex](value);

    /// <summary>
    /// Appends up to <paramref name="maxReasons"/> reasons to <paramref name="into"/> and
    /// returns how many. <paramref name="contributions"/> is indexed like the schema; a
    /// trailing bias term (TreeSHAP's expected value) beyond the schema is ignored.
    /// Ties keep the lower feature index first, so output is deterministic.
    /// </summary>
    public int Write(ReadOnlySpan<double> contributions, ReadOnlySpan<float> values, int maxReasons, RepeatedField<Reason> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (maxReasons is < 1 or > MaxReasonsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxReasons), maxReasons, $"maxReasons must be 1 to {MaxReasonsLimit}");
        }

        if (contributions.Length < _codes.Length)
        {
            throw new ArgumentException($"contributions has {contributions.Length} entries; the schema has {_codes.Length} features", nameof(contributions));
        }

        if (values.Length != _codes.Length)
        {
            throw new ArgumentException($"values has {values.Length} entries; the schema has {_codes.Length} features", nameof(values));
        }

        Span<int> top = stackalloc int[MaxReasonsLimit];
        var count = 0;
        for (var i = 0; i < _codes.Length; i++)
        {
            var c = contributions[i];
            if (!(c > 0) || float.IsNaN(values[i]))
            {
                continue;
            }

            // Insertion into a short sorted list; strictly greater wins so equal contributions keep index order.
            var pos = count;
            while (pos > 0 && c > contributions[top[pos - 1]])
            {
                pos--;
            }

            if (pos >= maxReasons)
            {
                continue;
            }

            var last = Math.Min(count, maxReasons - 1);
            for (var j = last; j > pos; j--)
            {
                top[j] = top[j - 1];
            }

            top[pos] = i;
            count = Math.Min(count + 1, maxReasons);
        }

        for (var k = 0; k < count; k++)
        {
            var i = top[k];
            into.Add(new Reason
            {
                Code = _codes[i],
                Text = _phrasers[i](values[i]),
                Contribution = contributions[i],
                Value = Exact(values[i]),
            });
        }

        return count;
    }

    // float 0.94f widens to 0.9399999976; via decimal it stays 0.94 as the feature store meant it.
    private static double Exact(float value) =>
        float.IsFinite(value) && Math.Abs(value) < 7.9e27f ? (double)(decimal)value : value;
}
