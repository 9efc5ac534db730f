using Scoring.Cli.Training;

namespace Scoring.Cli.Tests.Training;

public sealed class EvaluationReportTests
{
    [Fact]
    public async Task WriteAsync_WithPython_WritesMarkdownTablesAndFivePngCharts()
    {
        using var dir = new TempDirectory();
        var rng = new Scoring.Cli.Population.Xoshiro256(1);
        var scores = Enumerable.Range(0, 500).Select(_ => rng.NextDouble()).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s ? 1f : 0f).ToArray();
        var model = Metrics.Evaluate(labels, scores);
        var baseline = Metrics.Evaluate(labels, scores.Select(s => (s + rng.NextDouble()) / 2).ToArray());
        var input = new ReportInput("Churn model", "no activity in 90 days", "time split", 2000, 0.2, model, "logistic regression", baseline,
            [("days_since_last_txn", 10.0), ("txn_count_90d", 5.0)], new Dictionary<string, string> { ["max_depth"] = "6" }, ["a note"]);

        var path = await EvaluationReport.WriteAsync(dir.Path, input, CancellationToken.None);
        var text = await File.ReadAllTextAsync(path);

        Assert.Contains("| ROC-AUC |", text, StringComparison.Ordinal);
        Assert.Contains("## Calibration", text, StringComparison.Ordinal);
        Assert.Contains("| days_since_last_txn | 66.7% |", text, StringComparison.Ordinal);
        Assert.Contains("- max_depth: 6", text, StringComparison.Ordinal);
        foreach (var chart in new[] { "roc", "pr", "calibration", "gain", "importance" })
        {
            var png = await File.ReadAllBytesAsync(Path.Combine(dir.Path, "charts", chart + ".png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.True(png.Length > 2000, $"{chart}.png is only {png.Length} bytes");
        }

        var metrics = EvaluationReport.ManifestMetrics(input);
        Assert.Equal(Math.Round(model.RocAuc, 5), metrics["auc_roc"]);
        Assert.Equal(500, metrics["test_rows"]);
    }
}
