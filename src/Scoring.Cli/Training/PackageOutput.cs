using System.Text.Json;
using System.Text.Json.Nodes;
using Scoring.Models.Packages;
using Scoring.V1;

namespace Scoring.Cli.Training;

/// <summary>
/// Writes a model package directory: model.json (XGBoost JSON), manifest.json (name, version,
/// kind, objective, features in vector order, category mappings, label, metrics, training
/// parameters), report.md and charts/.
/// </summary>
internal static class PackageOutput
{
    public const string ModelFile = "model.json";
    public const string ManifestFile = "manifest.json";

    public const string CreatedBy = "scoring-cli 1.0.0";

    /// <summary>
    /// A package the service loads (churn, offer propensity, value): built and validated by
    /// <see cref="ModelPackageWriter"/>, with golden rows from the test set.
    /// </summary>
    public static ModelPackage WriteServed(string directory, ServedModel served, byte[] modelJson, Dataset goldenSource)
    {
        var manifest = new ModelManifest
        {
            Name = served.Name,
            Version = BinaryTraining.Version(),
            Kind = served.Kind,
            OfferId = served.OfferId,
            Features = goldenSource.FeatureNames.Zip(served.FeatureTypes, (n, t) => new ModelFeature(n, t)).ToArray(),
            TrainingWindow = served.Window,
            Snapshot = served.Snapshot,
            Metrics = served.Metrics,
            ScoreBands = served.ScoreBands,
            TierCutPoints = served.TierCutPoints,
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = CreatedBy,
        };
        var rows = Math.Min(20, goldenSource.Rows);
        var package = ModelPackageWriter.Build(modelJson, manifest, goldenSource.Features.AsSpan(0, rows * goldenSource.Columns));
        package.WriteDirectory(directory);
        return package;
    }

    public static async Task WriteAsync(string directory, PackageManifest manifest, byte[] modelJson, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, ModelFile), modelJson, cancellationToken);
        var json = JsonSerializer.Serialize(manifest.ToJson(), new JsonSerializerOptions { WriteIndented = true });
        await File.WriteAllTextAsync(Path.Combine(directory, ManifestFile), json + "\n", cancellationToken);
    }
}

/// <summary>What a served package declares besides the model and its features.</summary>
internal sealed record ServedModel(
    string Name,
    ModelKind Kind,
    string? OfferId,
    IReadOnlyList<string> FeatureTypes,
    TrainingWindow Window,
    SnapshotInfo? Snapshot,
    IReadOnlyDictionary<string, double> Metrics,
    ScoreBands? ScoreBands = null,
    IReadOnlyList<double>? TierCutPoints = null);

/// <summary>The manifest of a generic `train csv` package (not served; keeps the category mappings).</summary>
internal sealed record PackageManifest(
    string Name,
    string Version,
    string Kind,
    string Objective,
    IReadOnlyList<string> Features,
    IReadOnlyList<string> FeatureTypes,
    IReadOnlyList<CategoryMapping> Categories,
    string Label,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Training,
    IReadOnlyDictionary<string, double>? Thresholds = null)
{
    public JsonObject ToJson()
    {
        var categories = new JsonObject();
        foreach (var c in Categories)
        {
            categories[c.Column] = new JsonArray(c.Values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        }

        var features = new JsonArray();
        for (var i = 0; i < Features.Count; i++)
        {
            features.Add(new JsonObject { ["name"] = Features[i], ["type"] = FeatureTypes[i] });
        }

        var json = new JsonObject
        {
            ["name"] = Name,
            ["version"] = Version,
            ["kind"] = Kind,
            ["format"] = "xgboost-json",
            ["model_file"] = PackageOutput.ModelFile,
            ["objective"] = Objective,
            ["features"] = features,
            ["categories"] = categories,
            ["label"] = Label,
            ["metrics"] = ToObject(Metrics),
            ["training"] = new JsonObject(Training.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        if (Thresholds is not null)
        {
            json["thresholds"] = ToObject(Thresholds);
        }

        return json;
    }

    private static JsonObject ToObject(IReadOnlyDictionary<string, double> values) =>
        new(values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)(double.IsFinite(p.Value) ? JsonValue.Create(p.Value) : null))));
}
