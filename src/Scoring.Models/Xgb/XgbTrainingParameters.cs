using System.Globalization;

namespace Scoring.Models.Xgb;

/// <summary>
/// The small set of XGBoost training parameters the model owners tune (names as in XGBoost's
/// parameter documentation). Validated by <see cref="Validate"/> before training.
/// </summary>
public sealed record XgbTrainingParameters
{
    /// <summary>binary:logistic, reg:squarederror, reg:tweedie, count:poisson, reg:gamma, reg:logistic or binary:logitraw.</summary>
    public string Objective { get; init; } = "binary:logistic";

    public int MaxDepth { get; init; } = 6;

    public double Eta { get; init; } = 0.1;

    public int Rounds { get; init; } = 100;

    public double Subsample { get; init; } = 1.0;

    public double ColsampleByTree { get; init; } = 1.0;

    public double MinChildWeight { get; init; } = 1.0;

    public double Lambda { get; init; } = 1.0;

    public double Alpha { get; init; }

    public double Gamma { get; init; }

    /// <summary>For reg:tweedie only, in [1, 2).</summary>
    public double TweedieVariancePower { get; init; } = 1.5;

    public int Seed { get; init; }

    /// <summary>0 lets libxgboost choose.</summary>
    public int Threads { get; init; }

    /// <summary>hist (default), approx or exact.</summary>
    public string TreeMethod { get; init; } = "hist";

    /// <summary>Stop when the validation metric has not improved for this many rounds; 0 disables early stopping.</summary>
    public int EarlyStoppingRounds { get; init; }

    /// <summary>Metric watched for early stopping; null uses the objective's default (logloss, rmse, ...).</summary>
    public string? EvalMetric { get; init; }

    /// <summary>Objectives whose models the native evaluator can serve.</summary>
    public static IReadOnlyList<string> SupportedObjectives { get; } =
        ["binary:logistic", "binary:logitraw", "reg:logistic", "reg:squarederror", "reg:tweedie", "count:poisson", "reg:gamma"];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid parameter.</summary>
    public void Validate()
    {
        if (!SupportedObjectives.Contains(Objective))
        {
            throw new ArgumentException($"Objective: unsupported objective '{Objective}'; supported: {string.Join(", ", SupportedObjectives)}.", nameof(Objective));
        }

        Require(MaxDepth is >= 1 and <= 16, nameof(MaxDepth), $"must be in [1, 16], was {MaxDepth}");
        Require(Eta is > 0 and <= 1, nameof(Eta), $"must be in (0, 1], was {Eta}");
        Require(Rounds is >= 1 and <= 100_000, nameof(Rounds), $"must be in [1, 100000], was {Rounds}");
        Require(Subsample is > 0 and <= 1, nameof(Subsample), $"must be in (0, 1], was {Subsample}");
        Require(ColsampleByTree is > 0 and <= 1, nameof(ColsampleByTree), $"must be in (0, 1], was {ColsampleByTree}");
        Require(MinChildWeight >= 0, nameof(MinChildWeight), $"must be >= 0, was {MinChildWeight}");
        Require(Lambda >= 0, nameof(Lambda), $"must be >= 0, was {Lambda}");
        Require(Alpha >= 0, nameof(Alpha), $"must be >= 0, was {Alpha}");
        Require(Gamma >= 0, nameof(Gamma), $"must be >= 0, was {Gamma}");
        Require(TweedieVariancePower is >= 1 and < 2, nameof(TweedieVariancePower), $"must be in [1, 2), was {TweedieVariancePower}");
        Require(Threads >= 0, nameof(Threads), $"must be >= 0, was {Threads}");
        Require(EarlyStoppingRounds >= 0, nameof(EarlyStoppingRounds), $"must be >= 0, was {EarlyStoppingRounds}");
        Require(TreeMethod is "hist" or "approx" or "exact", nameof(TreeMethod), $"must be hist, approx or exact, was '{TreeMethod}'");
    }

    /// <summary>The parameters as libxgboost name/value pairs, in a fixed order.</summary>
    internal IEnumerable<KeyValuePair<string, string>> ToNative()
    {
        yield return new("objective", Objective);
        yield return new("max_depth", Format(MaxDepth));
        yield return new("eta", Format(Eta));
        yield return new("subsample", Format(Subsample));
        yield return new("colsample_bytree", Format(ColsampleByTree));
        yield return new("min_child_weight", Format(MinChildWeight));
        yield return new("lambda", Format(Lambda));
        yield return new("alpha", Format(Alpha));
        yield return new("gamma", Format(Gamma));
        yield return new("seed", Format(Seed));
        yield return new("tree_method", TreeMethod);
        if (Threads > 0)
        {
            yield return new("nthread", Format(Threads));
        }

        if (Objective == "reg:tweedie")
        {
            yield return new("tweedie_variance_power", Format(TweedieVariancePower));
        }

        if (EvalMetric is not null)
        {
            yield return new("eval_metric", EvalMetric);
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Require(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"{name} {problem}.", name);
        }
    }
}
