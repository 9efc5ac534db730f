using System.Globalization;

namespace Scoring.Cli.Training;

/// <summary>`scoring train csv`: any CSV, same report and package as the built-in models.</summary>
internal static class CsvCommandRunner
{
    public static async Task<BinaryRunResult> RunAsync(
        string trainPath, string label, string? positive, IReadOnlyCollection<string> exclude, string? testPath, string outDirectory, int seed, CancellationToken cancellationToken)
    {
        if (!File.Exists(trainPath))
        {
            throw new FileNotFoundException($"file: '{trainPath}' does not exist.");
        }

        if (testPath is not null && !File.Exists(testPath))
        {
            throw new FileNotFoundException($"--test: '{testPath}' does not exist.");
        }

        var table = CsvTable.Load(trainPath);
        var encoding = CsvEncoding.Fit(table, label, positive, exclude);
        var all = encoding.Encode(table, Path.GetFileName(trainPath));
        Dataset rest, test;
        string split;
        if (testPath is null)
        {
            (rest, test) = all.Split(0.2, (ulong)seed);
            split = "20% of the rows held out as the test set (stratified, seeded); 15% of the rest for early stopping.";
        }
        else
        {
            rest = all;
            test = encoding.Encode(CsvTable.Load(testPath), Path.GetFileName(testPath));
            split = string.Create(CultureInfo.InvariantCulture, $"test set from {Path.GetFileName(testPath)}; 15% of the training rows for early stopping.");
        }

        var (train, validation) = rest.Split(0.15, (ulong)seed + 1);
        var types = encoding.Columns.Select(c => c.IsCategorical ? "CategoricalCode" : "Numeric").ToArray();
        var labelText = positive is null ? $"column '{label}' (1/true/yes = positive)" : $"column '{label}' = '{positive}'";
        var notes = new List<string>();
        foreach (var c in encoding.Categories)
        {
            notes.Add($"'{c.Column}' encoded as codes 0..{c.Values.Count - 1} (mapping in manifest.json; unseen values are missing).");
        }

        var spec = new BinaryRunSpec(Path.GetFileNameWithoutExtension(trainPath), "csv", $"Model for {Path.GetFileName(trainPath)}", labelText, split, types, [.. encoding.Categories], notes, seed);
        return await BinaryTraining.RunAsync(spec, train, validation, test, outDirectory, cancellationToken);
    }
}
