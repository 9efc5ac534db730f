using System.Globalization;

namespace Scoring.Cli.Training;

/// <summary>How one CSV column becomes a feature: numbers as they are, text as category codes.</summary>
internal sealed record ColumnEncoding(string Name, int SourceIndex, CategoryMapping? Categories)
{
    public bool IsCategorical => Categories is not null;
}

/// <summary>
/// The generic `train csv` encoding, fitted on the training file and applied unchanged to
/// the test file: numeric columns as-is, text columns as codes (sorted distinct values, so
/// the codes are stable), missing cells as NaN, the label as 0/1.
/// </summary>
internal sealed class CsvEncoding
{
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase) { "", "NA", "N/A", "NaN", "null", "?" };

    private CsvEncoding(string label, string? positive, IReadOnlyList<ColumnEncoding> columns)
    {
        Label = label;
        Positive = positive;
        Columns = columns;
    }

    public string Label { get; }

    /// <summary>The label value that means 1; null when the label column is already 0/1 or true/false.</summary>
    public string? Positive { get; }

    public IReadOnlyList<ColumnEncoding> Columns { get; }

    public IEnumerable<CategoryMapping> Categories => Columns.Where(c => c.IsCategorical).Select(c => c.Categories!);

    public static bool IsMissing(string cell) => MissingTokens.Contains(cell.Trim());

    public static CsvEncoding Fit(CsvTable table, string label, string? positive, IReadOnlyCollection<string> exclude)
    {
        var labelIndex = table.IndexOf(label);
        if (labelIndex < 0)
        {
            throw new ArgumentException($"--label: column '{label}' is not in the header ({string.Join(", ", table.Header)}).");
        }

        foreach (var name in exclude)
        {
            if (table.IndexOf(name) < 0)
            {
                throw new ArgumentException($"--exclude: column '{name}' is not in the header.");
            }
        }

        if (table.Rows.Count == 0)
        {
            throw new ArgumentException("the training file has a header but no records.");
        }

        var labelValues = table.Rows.Select(r => r[labelIndex].Trim()).ToHashSet(StringComparer.Ordinal);
        if (positive is not null && !labelValues.Contains(positive))
        {
            throw new ArgumentException($"--positive: value '{positive}' never occurs in column '{label}'.");
        }

        if (positive is null && !labelValues.All(v => ParseBinary(v) is not null || IsMissing(v)))
        {
            var sample = string.Join(", ", labelValues.Order(StringComparer.Ordinal).Take(5).Select(v => $"'{v}'"));
            throw new ArgumentException($"--label: column '{label}' has values {sample}; pass --positive VALUE to say which one is the positive class.");
        }

        var columns = new List<ColumnEncoding>();
        for (var i = 0; i < table.Header.Count; i++)
        {
            var name = table.Header[i];
            if (i == labelIndex || exclude.Contains(name))
            {
                continue;
            }

            var numeric = true;
            var distinct = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var row in table.Rows)
            {
                var cell = row[i].Trim();
                if (IsMissing(cell))
                {
                    continue;
                }

                distinct.Add(cell);
                numeric &= double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            }

            columns.Add(new ColumnEncoding(name, i, numeric ? null : new CategoryMapping(name, [.. distinct])));
        }

        if (columns.Count == 0)
        {
            throw new ArgumentException("no feature columns are left after the label and --exclude.");
        }

        return new CsvEncoding(label, positive, columns);
    }

    /// <summary>Encodes a table with the fitted columns (found by name, so column order may differ).</summary>
    public Dataset Encode(CsvTable table, string source)
    {
        var labelIndex = table.IndexOf(Label);
        if (labelIndex < 0)
        {
            throw new ArgumentException($"{source}: label column '{Label}' is missing.");
        }

        var indices = new int[Columns.Count];
        for (var c = 0; c < Columns.Count; c++)
        {
            indices[c] = table.IndexOf(Columns[c].Name);
            if (indices[c] < 0)
            {
                throw new ArgumentException($"{source}: column '{Columns[c].Name}' is missing.");
            }
        }

        var features = new float[table.Rows.Count * Columns.Count];
        var labels = new float[table.Rows.Count];
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            labels[r] = LabelOf(row[labelIndex].Trim(), source, r + 2);
            for (var c = 0; c < Columns.Count; c++)
            {
                var cell = row[indices[c]].Trim();
                features[(r * Columns.Count) + c] = IsMissing(cell) ? float.NaN
                    : Columns[c].Categories is { } categories ? categories.CodeOf(cell)
                    : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? (float)v
                    : throw new InvalidDataException($"{source}: record {r + 2}, column '{Columns[c].Name}': '{cell}' is not a number.");
            }
        }

        return new Dataset(Columns.Select(c => c.Name).ToArray(), features, labels);
    }

    private float LabelOf(string value, string source, int record)
    {
        if (IsMissing(value))
        {
            throw new InvalidDataException($"{source}: record {record}: the label column '{Label}' is empty.");
        }

        if (Positive is not null)
        {
            return string.Equals(value, Positive, StringComparison.Ordinal) ? 1f : 0f;
        }

        return ParseBinary(value) ?? throw new InvalidDataException($"{source}: record {record}: label '{value}' is not 0/1 or true/false.");
    }

    private static float? ParseBinary(string value) => value.ToLowerInvariant() switch
    {
        "1" or "1.0" or "true" or "yes" => 1f,
        "0" or "0.0" or "false" or "no" => 0f,
        _ => null,
    };
}
