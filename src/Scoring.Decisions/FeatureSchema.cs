using System.Collections.Frozen;
using Scoring.Features;

namespace Scoring.Decisions;

/// <summary>
/// An ordered feature layout the decision layer is compiled against: the live vector
/// (<see cref="Catalogue"/>) for offers and value, or a model's own feature list for its
/// TreeSHAP contributions. Rules, reasons and templates resolve names to indexes once, so the
/// per-call path never looks names up. Meanings come from the feature catalogue.
/// </summary>
public sealed class FeatureSchema
{
    private readonly string[] _names;
    private readonly string[] _meanings;
    private readonly FrozenDictionary<string, int> _indexes;

    private FeatureSchema(string[] names, string[] meanings)
    {
        _names = names;
        _meanings = meanings;
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (!indexes.TryAdd(names[i], i))
            {
                throw new ArgumentException($"names[{i}] '{names[i]}' appears twice", nameof(names));
            }
        }

        _indexes = indexes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The full live feature vector, in FeatureCatalogue order.</summary>
    public static FeatureSchema Catalogue { get; } = new(
        [.. FeatureCatalogue.Definitions.Select(d => d.Name)],
        [.. FeatureCatalogue.Definitions.Select(d => d.Meaning)]);

    public int Count => _names.Length;

    public IReadOnlyList<string> Names => Array.AsReadOnly(_names);

    /// <summary>A model's feature list, in its own order; every name must be in the feature catalogue.</summary>
    public static FeatureSchema FromNames(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var meanings = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            meanings[i] = FeatureCatalogue.Find(names[i] ?? "")?.Meaning
                ?? throw new ArgumentException($"names[{i}] '{names[i]}' is not in the feature catalogue", nameof(names));
        }

        return new FeatureSchema([.. names], meanings);
    }

    public string Name(int index) => _names[index];

    /// <summary>The catalogue's one-sentence meaning of the feature.</summary>
    public string Meaning(int index) => _meanings[index];

    public bool TryGetIndex(string name, out int index) => _indexes.TryGetValue(name, out index);

    /// <summary>The index of <paramref name="name"/>, or −1 when the schema lacks it.</summary>
    public int IndexOf(string name) => _indexes.TryGetValue(name, out var index) ? index : -1;
}
