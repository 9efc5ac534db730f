using System.Globalization;
using Scoring.Models.Xgb;

namespace Scoring.Cli.Training;

/// <summary>What a binary training run needs besides the data.</summary>
internal sealed record BinaryRunSpec(
    string Name,
    string Kind,
    string Title,
    string LabelDefinition,
    string SplitDescription,
    IReadOnlyList<string> FeatureTypes,
    IReadOnlyList<CategoryMapping> Categories,
    IReadOnlyList<string> Notes,
    int Seed,
    Scoring.V1.ModelKind Served = Scoring.V1.ModelKind.Unspecified,
    string? OfferId = null,
    Scoring.Models.Packages.TrainingWindow? Window = null);

/// <summary>The outcome of one binary run.</summary>
internal sealed record BinaryRunResult(BinaryMetrics Model, BinaryMetrics Baseline, int Rounds, string PackageDirectory);

/// <summary>
/// Trains XGBoost (early stopping on the validation slice) and the logistic baseline on the
/// same rows, evaluates both on the held-out test set, and writes the report and package.
/// </summary>
internal static class BinaryTraining
{
    public static async Task<BinaryRunResult> RunAsync(
        BinaryRunSpec spec, Dataset train, Dataset validation, Dataset test, string outDirectory, CancellationToken cancellationToken)
    {
        foreach (var (part, data) in new[] { ("training", train), ("validation", validation), ("test", test) })
        {
            if (data.Rows == 0 || data.Labels.All(l => l == 0) || data.Labels.All(l => l == 1))
            {
                throw new InvalidOperationException($"the {part} set of '{spec.Name}' needs both classes ({data.Rows} rows, positive rate {data.PositiveRate:0.###}).");
            }
        }

        var parameters = BoostedModel.BinaryDefaults(spec.Seed);
        var model = BoostedModel.Train(parameters, train, validation, cancellationToken);
        var modelMetrics = Metrics.Evaluate(test.Labels, model.Predict(test));
        var baseline = LogisticBaseline.Fit(train);
        var baselineMetrics = Metrics.Evaluate(test.Labels, baseline.Predict(test));
        var importance = GainImportance.FromModelJson(model.ModelJson, train.FeatureNames);
        var trainingInfo = TrainingInfo(parameters, model, train, validation, test);
        var input = new ReportInput(spec.Title, spec.LabelDefinition, spec.SplitDescription, train.Rows, train.PositiveRate,
            modelMetrics, "logistic regression", baselineMetrics, importance, trainingInfo, spec.Notes);
        await EvaluationReport.WriteAsync(outDirectory, input, cancellationToken);
        var metrics = EvaluationReport.ManifestMetrics(input);
        if (spec.Served == Scoring.V1.ModelKind.Unspecified)
        {
            var manifest = new PackageManifest(spec.Name, Version(), spec.Kind, parameters.Objective, train.FeatureNames, spec.FeatureTypes,
                spec.Categories, spec.LabelDefinition, metrics, trainingInfo);
            await PackageOutput.WriteAsync(outDirectory, manifest, model.ModelJson, cancellationToken);
        }
        else
        {
            // Churn risk bands as multiples of the base rate: 2×, 5× and 10× the training churn rate.
            var rate = train.PositiveRate;
            var bands = spec.Served == Scoring.V1.ModelKind.Churn
                ? new Scoring.Models.Packages.ScoreBands(0, Math.Min(1, 2 * rate), Math.Min(1, 5 * rate), Math.Min(1, 10 * rate))
                : null;
            var served = new ServedModel(spec.Name, spec.Served, spec.OfferId, spec.FeatureTypes, spec.Window!,
                new Scoring.Models.Packages.SnapshotInfo(spec.Name + "-train", DateTimeOffset.UtcNow, train.Rows), metrics, bands);
            PackageOutput.WriteServed(outDirectory, served, model.ModelJson, test);
        }
        return new BinaryRunResult(modelMetrics, baselineMetrics, model.Result.Rounds, outDirectory);
    }

    internal static Dictionary<string, string> TrainingInfo(XgbTrainingParameters p, BoostedModel model, Dataset train, Dataset validation, Dataset test)
    {
        var c = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["objective"] = p.Objective,
            ["max_depth"] = p.MaxDepth.ToString(c),
            ["eta"] = p.Eta.ToString(c),
            ["subsample"] = p.Subsample.ToString(c),
            ["colsample_bytree"] = p.ColsampleByTree.ToString(c),
            ["min_child_weight"] = p.MinChildWeight.ToString(c),
            ["early_stopping_rounds"] = p.EarlyStoppingRounds.ToString(c),
            ["eval_metric"] = p.EvalMetric ?? "default",
            ["rounds_kept"] = model.Result.Rounds.ToString(c),
            ["seed"] = p.Seed.ToString(c),
            ["train_rows"] = train.Rows.ToString(c),
            ["validation_rows"] = validation.Rows.ToString(c),
            ["test_rows"] = test.Rows.ToString(c),
        };
    }

    internal static string Version() => DateTime.UtcNow.ToString("yyyyMMdd.HHmm", CultureInfo.InvariantCulture);
}
