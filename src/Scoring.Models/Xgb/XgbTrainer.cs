using System.Globalization;

namespace Scoring.Models.Xgb;

/// <summary>One round's validation metric as reported by XGBoosterEvalOneIter.</summary>
public readonly record struct XgbEvaluation(int Round, string Metric, double Value);

/// <summary>The outcome of <see cref="XgbTrainer.Train"/>.</summary>
public sealed record XgbTrainingResult
{
    /// <summary>The model in XGBoost JSON format, truncated to <see cref="BestRound"/> when early stopping ran.</summary>
    public required byte[] ModelJson { get; init; }

    /// <summary>Rounds kept in <see cref="ModelJson"/>.</summary>
    public required int Rounds { get; init; }

    /// <summary>Zero-based best round by validation metric, or the last round without validation.</summary>
    public required int BestRound { get; init; }

    /// <summary>The booster's JSON configuration (XGBoosterSaveJsonConfig), for the training report.</summary>
    public required string ConfigJson { get; init; }

    /// <summary>Validation metric per round; empty without a validation set.</summary>
    public required IReadOnlyList<XgbEvaluation> History { get; init; }
}

/// <summary>Trains gradient-boosted trees through libxgboost's C API.</summary>
public static class XgbTrainer
{
    // XGBoost's own early-stopping rule: these metrics improve upwards, everything else downwards.
    private static readonly string[] MaximisedMetricPrefixes = ["auc", "aucpr", "map", "ndcg", "pre"];

    /// <summary>
    /// Trains on <paramref name="train"/> (labels set), watching <paramref name="validation"/> for early stopping
    /// when <see cref="XgbTrainingParameters.EarlyStoppingRounds"/> is positive.
    /// </summary>
    public static XgbTrainingResult Train(XgbTrainingParameters parameters, XgbDMatrix train, XgbDMatrix? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(train);
        parameters.Validate();
        if (parameters.EarlyStoppingRounds > 0 && validation is null)
        {
            throw new ArgumentException("EarlyStoppingRounds needs a validation matrix.", nameof(validation));
        }

        if (validation is not null && validation.Columns != train.Columns)
        {
            throw new ArgumentException($"validation has {validation.Columns} columns but train has {train.Columns}.", nameof(validation));
        }

        using var booster = validation is null ? XgbBooster.Create(train) : XgbBooster.Create(train, validation);
        foreach (var (name, value) in parameters.ToNative())
        {
            booster.SetParam(name, value);
        }

        var history = new List<XgbEvaluation>();
        var best = -1;
        var bestValue = double.NaN;
        var rounds = 0;
        for (var round = 0; round < parameters.Rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            booster.UpdateOneIter(round, train);
            rounds = round + 1;
            if (validation is null)
            {
                continue;
            }

            var evaluation = ParseLastMetric(round, booster.EvalOneIter(round, [validation], ["valid"]));
            history.Add(evaluation);
            var maximise = Array.Exists(MaximisedMetricPrefixes, p => evaluation.Metric.StartsWith(p, StringComparison.Ordinal));
            if (best < 0 || (maximise ? evaluation.Value > bestValue : evaluation.Value < bestValue))
            {
                best = round;
                bestValue = evaluation.Value;
            }
            else if (parameters.EarlyStoppingRounds > 0 && round - best >= parameters.EarlyStoppingRounds)
            {
                break;
            }
        }

        if (best < 0 || parameters.EarlyStoppingRounds == 0)
        {
            best = rounds - 1;
        }

        var keep = best + 1;
        var config = booster.SaveJsonConfig();
        if (keep == rounds)
        {
            return new XgbTrainingResult { ModelJson = booster.SaveModelJson(), Rounds = keep, BestRound = best, ConfigJson = config, History = history };
        }

        using var sliced = booster.Slice(0, keep);
        return new XgbTrainingResult { ModelJson = sliced.SaveModelJson(), Rounds = keep, BestRound = best, ConfigJson = config, History = history };
    }

    /// <summary>Parses "[12]\tvalid-logloss:0.41\tvalid-auc:0.8"; XGBoost stops early on the last metric listed.</summary>
    internal static XgbEvaluation ParseLastMetric(int round, string text)
    {
        var parts = text.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var last = parts[^1];
        var colon = last.LastIndexOf(':');
        var dash = last.IndexOf('-', StringComparison.Ordinal);
        if (parts.Length < 2 || colon < 0 || dash < 0 || !double.TryParse(last.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new XGBoostException($"XGBoosterEvalOneIter returned an unparsable result: '{text}'.");
        }

        return new XgbEvaluation(round, last[(dash + 1)..colon], value);
    }
}
