using System.Collections.Frozen;

namespace Scoring.Decisions;

/// <summary>One feature of the live vector: its catalogue name and what it means in words.</summary>
public sealed record FeatureDefinition(string Name, string Meaning);

/// <summary>
/// The ordered feature vector layout the decision layer is compiled against: rules, reasons
/// and templates resolve names to indexes once, so the per-call path never looks names up.
/// </summary>
public sealed class FeatureSchema
{
    private readonly FeatureDefinition[] _features;
    private readonly FrozenDictionary<string, int> _indexes;

    public FeatureSchema(IEnumerable<FeatureDefinition> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        _features = [.. features];
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _features.Length; i++)
        {
            var name = _features[i]?.Name;
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"features[{i}].Name must not be empty", nameof(features));
            }

            if (!indexes.TryAdd(name, i))
            {
                throw new ArgumentException($"features[{i}].Name '{name}' appears twice", nameof(features));
            }
        }

        _indexes = indexes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _features.Length;

    public FeatureDefinition this[int index] => _features[index];

    public IEnumerable<string> Names => _features.Select(f => f.Name);

    public bool TryGetIndex(string name, out int index) => _indexes.TryGetValue(name, out index);

    /// <summary>The index of <paramref name="name"/>, or −1 when the schema lacks it.</summary>
    public int IndexOf(string name) => _indexes.TryGetValue(name, out var index) ? index : -1;
}
