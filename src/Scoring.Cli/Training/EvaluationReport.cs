using System.Globalization;
using System.Text;

namespace Scoring.Cli.Training;

/// <summary>What a report says about one trained model.</summary>
internal sealed record ReportInput(
    string Title,
    string LabelDefinition,
    string SplitDescription,
    int TrainRows,
    double TrainPositiveRate,
    BinaryMetrics Model,
    string BaselineName,
    BinaryMetrics Baseline,
    IReadOnlyList<(string Feature, double Gain)> Importance,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> Notes);

/// <summary>Writes report.md and its PNG charts into a directory.</summary>
internal static class EvaluationReport
{
    public const string FileName = "report.md";

    public static async Task<string> WriteAsync(string directory, ReportInput input, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(directory, "charts"));
        var charts = Charts(directory, input);
        var chartProblem = await ChartRenderer.RenderAsync(charts, cancellationToken);
        var markdown = Render(input, chartProblem);
        var path = Path.Combine(directory, FileName);
        await File.WriteAllTextAsync(path, markdown, cancellationToken);
        return path;
    }

    /// <summary>The headline metrics as flat key/values for a model manifest.</summary>
    public static Dictionary<string, double> ManifestMetrics(ReportInput input) => new(StringComparer.Ordinal)
    {
        ["test_rows"] = input.Model.Count,
        ["test_positive_rate"] = input.Model.Count == 0 ? 0 : input.Model.Positives / (double)input.Model.Count,
        ["auc_roc"] = Round(input.Model.RocAuc),
        ["pr_auc"] = Round(input.Model.PrAuc),
        ["log_loss"] = Round(input.Model.LogLoss),
        ["brier"] = Round(input.Model.Brier),
        ["top_decile_lift"] = Round(input.Model.Deciles.Count > 0 ? input.Model.Deciles[0].Lift : double.NaN),
        ["baseline_auc_roc"] = Round(input.Baseline.RocAuc),
        ["baseline_pr_auc"] = Round(input.Baseline.PrAuc),
        ["baseline_log_loss"] = Round(input.Baseline.LogLoss),
    };

    internal static string Render(ReportInput input, string? chartProblem)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"# {input.Title}\n\n");
        sb.Append(c, $"Label: {input.LabelDefinition}\n\n");
        sb.Append(c, $"Split: {input.SplitDescription}\n\n");
        sb.Append(c, $"Training rows: {input.TrainRows:N0} (positive rate {Pct(input.TrainPositiveRate, 2)}); test rows: {input.Model.Count:N0} (positive rate {Pct(input.Model.Count == 0 ? 0 : input.Model.Positives / (double)input.Model.Count, 2)}).\n\n");
        sb.Append("## Held-out metrics\n\n| metric | model | baseline (").Append(input.BaselineName).Append(") |\n|---|---|---|\n");
        Row("ROC-AUC", input.Model.RocAuc, input.Baseline.RocAuc);
        Row("PR-AUC (average precision)", input.Model.PrAuc, input.Baseline.PrAuc);
        Row("log loss", input.Model.LogLoss, input.Baseline.LogLoss);
        Row("Brier score", input.Model.Brier, input.Baseline.Brier);
        Row("top-decile lift", input.Model.Deciles[0].Lift, input.Baseline.Deciles[0].Lift);
        sb.Append('\n');
        if (chartProblem is null)
        {
            sb.Append("![ROC](charts/roc.png) ![Precision-recall](charts/pr.png)\n\n![Calibration](charts/calibration.png) ![Gain](charts/gain.png)\n\n![Feature importance](charts/importance.png)\n\n");
        }
        else
        {
            sb.Append(c, $"_Charts not drawn: {chartProblem}._\n\n");
        }

        sb.Append("## Calibration (model, test set)\n\n| predicted | rows | mean predicted | observed rate |\n|---|---|---|---|\n");
        foreach (var b in input.Model.Calibration)
        {
            sb.Append(c, $"| {b.Low:0.0}–{b.High:0.0} | {b.Count:N0} | {b.MeanPredicted:0.000} | {b.ObservedRate:0.000} |\n");
        }

        sb.Append("\n## Lift and gain by decile (model, highest scores first)\n\n| decile | rows | positives | rate | lift | cumulative gain |\n|---|---|---|---|---|---|\n");
        foreach (var d in input.Model.Deciles)
        {
            sb.Append(c, $"| {d.Decile} | {d.Count:N0} | {d.Positives:N0} | {Pct(d.Rate, 1)} | {d.Lift:0.00} | {Pct(d.CumulativeGain, 1)} |\n");
        }

        sb.Append("\n## Feature importance (total gain, share)\n\n| feature | gain share |\n|---|---|\n");
        var total = input.Importance.Sum(i => i.Gain);
        foreach (var (feature, gain) in input.Importance.Take(25))
        {
            sb.Append(c, $"| {feature} | {Pct(total > 0 ? gain / total : 0, 1)} |\n");
        }

        sb.Append("\n## Parameters\n\n");
        foreach (var (key, value) in input.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(c, $"- {key}: {value}\n");
        }

        if (input.Notes.Count > 0)
        {
            sb.Append("\n## Notes\n\n");
            foreach (var note in input.Notes)
            {
                sb.Append("- ").Append(note).Append('\n');
            }
        }

        return sb.ToString();

        void Row(string name, double model, double baseline) =>
            sb.Append(c, $"| {name} | {model:0.0000} | {baseline:0.0000} |\n");
    }

    private static List<Chart> Charts(string directory, ReportInput input)
    {
        string File(string name) => Path.Combine(directory, "charts", name);
        ChartSeries Curve(string name, IReadOnlyList<(double, double)> points) =>
            new(name, points.Select(p => p.Item1).ToArray(), points.Select(p => p.Item2).ToArray());
        ChartSeries Calibration(string name, BinaryMetrics m) =>
            new(name, m.Calibration.Select(b => b.MeanPredicted).ToArray(), m.Calibration.Select(b => b.ObservedRate).ToArray());
        ChartSeries Gain(string name, BinaryMetrics m) =>
            new(name, [0, .. m.Deciles.Select(d => d.Decile / 10.0)], [0, .. m.Deciles.Select(d => d.CumulativeGain)]);

        var top = input.Importance.Take(15).ToArray();
        var total = Math.Max(input.Importance.Sum(i => i.Gain), 1e-12);
        return
        [
            new Chart(File("roc.png"), $"ROC (AUC model {input.Model.RocAuc:0.000}, baseline {input.Baseline.RocAuc:0.000})", "false positive rate", "true positive rate",
                [Curve("model", input.Model.RocCurve), Curve(input.BaselineName, input.Baseline.RocCurve)], Diagonal: true),
            new Chart(File("pr.png"), $"Precision-recall (AP model {input.Model.PrAuc:0.000})", "recall", "precision",
                [Curve("model", input.Model.PrCurve), Curve(input.BaselineName, input.Baseline.PrCurve)]),
            new Chart(File("calibration.png"), "Calibration: observed rate by predicted", "mean predicted", "observed rate",
                [Calibration("model", input.Model), Calibration(input.BaselineName, input.Baseline)], Diagonal: true),
            new Chart(File("gain.png"), "Cumulative gain by decile", "share of customers contacted", "share of positives found",
                [Gain("model", input.Model), Gain(input.BaselineName, input.Baseline)], Diagonal: true),
            new Chart(File("importance.png"), "Feature importance (gain share)", "gain share", string.Empty,
                [new ChartSeries("gain", Enumerable.Range(0, top.Length).Select(i => (double)i).ToArray(), top.Select(t => t.Gain / total).ToArray(), top.Select(t => t.Feature).ToArray())], Bars: true),
        ];
    }

    private static string Pct(double share, int decimals) =>
        (share * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 5) : value;
}
