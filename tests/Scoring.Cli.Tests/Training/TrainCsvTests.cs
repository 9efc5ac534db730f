using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Scoring.Cli.Commands;
using Scoring.Cli.Training;
using Scoring.Models.Evaluator;

namespace Scoring.Cli.Tests.Training;

public sealed class TrainCsvTests
{
    /// <summary>A CSV with an id column, a text category, missing cells and a text label driven by them.</summary>
    private static string WriteCsv(string path, int rows, int seed)
    {
        var rng = new Scoring.Cli.Population.Xoshiro256((ulong)seed);
        var sb = new StringBuilder("customer_id,segment,balance,contacts,status\n");
        string[] segments = ["gold", "silver", "\"basic, plus\""];
        for (var i = 0; i < rows; i++)
        {
            var segment = rng.NextInt(3);
            var balance = rng.Uniform(0, 1000);
            var contacts = rng.NextInt(0, 6);
            var risk = -2.5 + (segment == 2 ? 1.5 : 0) + (contacts * 0.5) - (balance / 800);
            var churned = rng.NextDouble() < 1 / (1 + Math.Exp(-risk));
            var balanceCell = rng.Chance(0.05) ? string.Empty : balance.ToString("0.00", CultureInfo.InvariantCulture);
            var segmentCell = rng.Chance(0.03) ? "NA" : segments[segment];
            sb.Append(CultureInfo.InvariantCulture, $"ID{i:D5},{segmentCell},{balanceCell},{contacts},{(churned ? "churned" : "stayed")}\n");
        }

        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task TrainCsv_TextCategoriesTextLabelMissingCellsAndIdColumn_WritesALoadablePackage()
    {
        using var dir = new TempDirectory();
        var csv = WriteCsv(dir.File("train.csv"), 3000, 1);
        var output = dir.File("pkg");

        var exit = await CliApp.Build().Parse(["train", "csv", csv, "--label", "status", "--positive", "churned", "--exclude", "customer_id", "--out", output]).InvokeAsync();

        Assert.Equal(0, exit);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, PackageOutput.ManifestFile)))!;
        var features = manifest["features"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["segment", "balance", "contacts"], features);
        Assert.Equal(["basic, plus", "gold", "silver"], manifest["categories"]!["segment"]!.AsArray().Select(v => v!.GetValue<string>()));
        var auc = manifest["metrics"]!["auc_roc"]!.GetValue<double>();
        Assert.InRange(auc, 0.65, 0.95);

        var model = TreeEnsemble.LoadFile(Path.Combine(output, PackageOutput.ModelFile));
        Assert.Equal(3, model.NumFeatures);
        var basicManyContacts = model.Predict([0f, 100f, 5f]);
        var goldNoContacts = model.Predict([1f, 900f, 0f]);
        Assert.True(basicManyContacts > goldNoContacts, $"{basicManyContacts} vs {goldNoContacts}");
        Assert.True(File.Exists(Path.Combine(output, EvaluationReport.FileName)));
    }

    [Fact]
    public async Task TrainCsv_WithSeparateTestFile_EvaluatesOnIt()
    {
        using var dir = new TempDirectory();
        var train = WriteCsv(dir.File("train.csv"), 2000, 2);
        var test = WriteCsv(dir.File("test.csv"), 700, 3);
        var result = await CsvCommandRunner.RunAsync(train, "status", "churned", ["customer_id"], test, dir.File("pkg"), 1, CancellationToken.None);

        Assert.Equal(700, result.Model.Count);
        Assert.True(result.Model.RocAuc > 0.6);
    }

    [Fact]
    public async Task TrainCsv_TextLabelWithoutPositive_FailsAndWritesNothing()
    {
        using var dir = new TempDirectory();
        var csv = WriteCsv(dir.File("train.csv"), 50, 4);
        var output = dir.File("pkg");

        var exit = await CliApp.Build().Parse(["train", "csv", csv, "--label", "status", "--out", output]).InvokeAsync();

        Assert.NotEqual(0, exit);
        Assert.False(Directory.Exists(output));
    }
}
