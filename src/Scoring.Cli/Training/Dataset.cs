namespace Scoring.Cli.Training;

/// <summary>A text column encoded as integer codes; the mapping goes into the model manifest.</summary>
internal sealed record CategoryMapping(string Column, IReadOnlyList<string> Values)
{
    /// <summary>The code of a value (its index), or NaN for a value not seen in training.</summary>
    public float CodeOf(string value)
    {
        for (var i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return float.NaN;
    }
}

/// <summary>
/// A dense training matrix: row-major features (NaN = missing, as XGBoost reads it), 0/1
/// labels, and the column names in order.
/// </summary>
internal sealed class Dataset
{
    public Dataset(IReadOnlyList<string> featureNames, float[] features, float[] labels)
    {
        if (featureNames.Count == 0)
        {
            throw new ArgumentException("A dataset needs at least one feature column.", nameof(featureNames));
        }

        if (features.Length != labels.Length * featureNames.Count)
        {
            throw new ArgumentException($"features has {features.Length} values; expected {labels.Length} rows × {featureNames.Count} columns.", nameof(features));
        }

        FeatureNames = featureNames;
        Features = features;
        Labels = labels;
    }

    public IReadOnlyList<string> FeatureNames { get; }

    public float[] Features { get; }

    public float[] Labels { get; }

    public int Rows => Labels.Length;

    public int Columns => FeatureNames.Count;

    public ReadOnlySpan<float> Row(int i) => Features.AsSpan(i * Columns, Columns);

    public double PositiveRate => Rows == 0 ? 0 : Labels.Sum(l => (double)l) / Rows;

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public Dataset Select(IReadOnlyList<int> indices)
    {
        var features = new float[indices.Count * Columns];
        var labels = new float[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            Row(indices[k]).CopyTo(features.AsSpan(k * Columns, Columns));
            labels[k] = Labels[indices[k]];
        }

        return new Dataset(FeatureNames, features, labels);
    }

    /// <summary>
    /// A seeded, stratified split: about <paramref name="fraction"/> of the positives and of the
    /// negatives go to the second part, so a rare label is present in both.
    /// </summary>
    public (Dataset First, Dataset Second) Split(double fraction, ulong seed)
    {
        var rng = new Population.Xoshiro256(seed);
        var first = new List<int>();
        var second = new List<int>();
        foreach (var label in new[] { 0f, 1f })
        {
            var rows = Enumerable.Range(0, Rows).Where(i => Labels[i] == label).ToArray();
            for (var i = rows.Length - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }

            var cut = (int)Math.Round(rows.Length * fraction);
            second.AddRange(rows[..cut]);
            first.AddRange(rows[cut..]);
        }

        first.Sort();
        second.Sort();
        return (Select(first), Select(second));
    }
}
