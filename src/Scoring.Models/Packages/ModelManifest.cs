using System.Text.Json.Serialization;
using Scoring.Models.Packages.Internal;
using Scoring.V1;

namespace Scoring.Models.Packages;

/// <summary>
/// manifest.json of a model package. Property names are snake_case on disk. <see cref="Objective"/>,
/// <see cref="ModelSha256"/> and <see cref="GoldenRows"/> are filled by <see cref="ModelPackageWriter"/>.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>Version of this manifest layout; readers reject versions they do not know.</summary>
    public int FormatVersion { get; init; } = ModelPackage.CurrentFormatVersion;

    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>churn, offer_propensity or value on disk.</summary>
    [JsonConverter(typeof(ModelKindJsonConverter))]
    public required ModelKind Kind { get; init; }

    /// <summary>The offer a propensity model scores; required for offer_propensity, absent otherwise.</summary>
    public string? OfferId { get; init; }

    /// <summary>XGBoost objective; must equal learner.objective.name in model.json.</summary>
    public string Objective { get; init; } = string.Empty;

    /// <summary>Model inputs in column order; their count must equal the model's num_feature.</summary>
    public required IReadOnlyList<ModelFeature> Features { get; init; }

    public required TrainingWindow TrainingWindow { get; init; }

    public SnapshotInfo? Snapshot { get; init; }

    /// <summary>Evaluation metrics on the hold-out set (auc_roc, pr_auc, log_loss, rmse, ...).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Churn risk bands; required for churn models.</summary>
    public ScoreBands? ScoreBands { get; init; }

    /// <summary>Ascending value cut points separating the value tiers; required for value models.</summary>
    public IReadOnlyList<double>? TierCutPoints { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Tool and version that built the package, e.g. "scoring-cli 1.0.0".</summary>
    public required string CreatedBy { get; init; }

    /// <summary>Lower-case hex SHA-256 of model.json.</summary>
    public string ModelSha256 { get; init; } = string.Empty;

    /// <summary>Rows with their expected score; loading fails unless the evaluator reproduces every one.</summary>
    public IReadOnlyList<GoldenRow> GoldenRows { get; init; } = [];
}

/// <summary>A model input: the feature-store name and its type (validated against the catalogue by the caller).</summary>
public sealed record ModelFeature(string Name, string Type);

/// <summary>The period the training labels and features were drawn from.</summary>
public sealed record TrainingWindow(DateOnly From, DateOnly To);

/// <summary>The feature snapshot the model was trained on.</summary>
public sealed record SnapshotInfo(string Id, DateTimeOffset TakenAt, long Rows);

/// <summary>
/// Lower bounds of the churn risk bands on the probability scale: a score below <see cref="Medium"/> is low, from
/// <see cref="Medium"/> medium, from <see cref="High"/> high, from <see cref="Critical"/> critical.
/// </summary>
public sealed record ScoreBands(double Low, double Medium, double High, double Critical)
{
    /// <summary>The band name ("low", "medium", "high", "critical") of a score.</summary>
    public string BandOf(double score) =>
        score >= Critical ? "critical" : score >= High ? "high" : score >= Medium ? "medium" : "low";
}

/// <summary>A golden row: inputs (null for a missing value) and the score the package's model must give.</summary>
public sealed record GoldenRow(IReadOnlyList<float?> Features, double Expected);
