using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Scoring.Models.Evaluator;
using Scoring.Models.Packages.Internal;
using Scoring.V1;

namespace Scoring.Models.Packages;

/// <summary>
/// A validated model package: model.json (XGBoost JSON) plus manifest.json, stored as a directory or a zip file.
/// <see cref="Load(string)"/> checks the manifest, the checksum, the model, their agreement and the golden rows, and
/// throws <see cref="ModelFormatException"/> naming the first problem.
/// </summary>
public sealed class ModelPackage
{
    public const int CurrentFormatVersion = 1;
    public const string ModelFileName = "model.json";
    public const string ManifestFileName = "manifest.json";

    /// <summary>Golden rows must be reproduced to this absolute tolerance (scaled by the magnitude above 1).</summary>
    public const double GoldenTolerance = 1e-6;

    // Fixed so the same inputs give a byte-identical zip (deterministic builds, stable checksums of packages).
    private static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly byte[] _modelJson;

    internal ModelPackage(ModelManifest manifest, byte[] modelJson, TreeEnsemble model)
    {
        Manifest = manifest;
        _modelJson = modelJson;
        Model = model;
    }

    public ModelManifest Manifest { get; }

    /// <summary>The compiled model, ready to score.</summary>
    public TreeEnsemble Model { get; }

    /// <summary>model.json exactly as stored.</summary>
    public ReadOnlyMemory<byte> ModelJson => _modelJson;

    /// <summary>Loads a package from a zip file or a directory holding model.json and manifest.json.</summary>
    public static ModelPackage Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var manifest = Path.Combine(path, ManifestFileName);
            var model = Path.Combine(path, ModelFileName);
            RequireFile(manifest, ManifestFileName);
            RequireFile(model, ModelFileName);
            return FromBytes(File.ReadAllBytes(manifest), File.ReadAllBytes(model));
        }

        if (!File.Exists(path))
        {
            throw new ModelFormatException($"model package '{path}' does not exist.");
        }

        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Loads a zipped package.</summary>
    public static ModelPackage Load(Stream zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFormatException($"model package is not a valid zip file: {ex.Message}", ex);
        }

        using (archive)
        {
            return FromBytes(ReadEntry(archive, ManifestFileName), ReadEntry(archive, ModelFileName));
        }
    }

    /// <summary>Validates a manifest and model.json held in memory.</summary>
    public static ModelPackage FromBytes(ReadOnlySpan<byte> manifestJson, ReadOnlySpan<byte> modelJson)
    {
        var manifest = ReadManifest(manifestJson);

        // Syntax first so a truncated file is reported as such (with its byte offset), then integrity, then content.
        Evaluator.Internal.XgbJsonModelReader.ValidateJson(modelJson, ModelFileName);
        var actual = Sha256Hex(modelJson);
        if (!string.Equals(manifest.ModelSha256, actual, StringComparison.Ordinal))
        {
            throw new ModelFormatException($"checksum mismatch: manifest.json model_sha256 is {manifest.ModelSha256} but model.json hashes to {actual}.");
        }

        var model = TreeEnsemble.Load(modelJson, ModelFileName);
        Validate(manifest, model);
        return new ModelPackage(manifest, modelJson.ToArray(), model);
    }

    /// <summary>The churn band of a score, when the package has score bands.</summary>
    public string? BandOf(double score) => Manifest.ScoreBands?.BandOf(score);

    /// <summary>Writes the package as a deterministic zip: fixed entry order and timestamps.</summary>
    public void WriteZip(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(archive, ManifestFileName, SerializeManifest(Manifest));
        WriteEntry(archive, ModelFileName, _modelJson);
    }

    /// <summary>Writes the package as a zip file at <paramref name="path"/> (replacing it atomically).</summary>
    public void WriteZip(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        {
            WriteZip(file);
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Writes model.json and manifest.json into <paramref name="directory"/>.</summary>
    public void WriteDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, ModelFileName), _modelJson);
        File.WriteAllBytes(Path.Combine(directory, ManifestFileName), SerializeManifest(Manifest));
    }

    internal static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    internal static byte[] SerializeManifest(ModelManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson.Options);

    internal static ModelManifest ReadManifest(ReadOnlySpan<byte> json)
    {
        try
        {
            Evaluator.Internal.XgbJsonModelReader.ValidateJson(json, ManifestFileName);
            return JsonSerializer.Deserialize<ModelManifest>(json, ManifestJson.Options)
                ?? throw new ModelFormatException($"{ManifestFileName} is null.");
        }
        catch (JsonException ex)
        {
            // System.Text.Json names missing required properties and the JSON path of a bad value.
            throw new ModelFormatException($"{ManifestFileName}: {ex.Message}", ex);
        }
    }

    /// <summary>Checks the manifest on its own and against the compiled model; runs the golden rows.</summary>
    internal static void Validate(ModelManifest m, TreeEnsemble model)
    {
        Require(m.FormatVersion == CurrentFormatVersion, $"format_version {m.FormatVersion} is not supported (expected {CurrentFormatVersion})");
        Require(!string.IsNullOrWhiteSpace(m.Name), "name is missing");
        Require(!string.IsNullOrWhiteSpace(m.Version), "version is missing");
        Require(!string.IsNullOrWhiteSpace(m.CreatedBy), "created_by is missing");
        Require(m.Kind != ModelKind.Unspecified, "kind is missing");
        Require(m.Features is { Count: > 0 }, "features is missing or empty");
        Require(m.TrainingWindow is not null, "training_window is missing");
        Require(m.TrainingWindow!.From <= m.TrainingWindow.To, $"training_window.from {m.TrainingWindow.From:yyyy-MM-dd} is after training_window.to {m.TrainingWindow.To:yyyy-MM-dd}");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < m.Features.Count; i++)
        {
            var f = m.Features[i];
            Require(f is not null && !string.IsNullOrWhiteSpace(f.Name), $"features[{i}].name is missing");
            Require(!string.IsNullOrWhiteSpace(f!.Type), $"features[{i}].type is missing");
            Require(names.Add(f.Name), $"features[{i}].name '{f.Name}' is listed twice");
        }

        switch (m.Kind)
        {
            case ModelKind.OfferPropensity:
                Require(!string.IsNullOrWhiteSpace(m.OfferId), "offer_id is required for an offer_propensity model");
                Require(model.PredictsProbability, $"an offer_propensity model must predict a probability, objective is {model.Objective}");
                break;
            case ModelKind.Churn:
                Require(m.OfferId is null, "offer_id is only allowed for offer_propensity models");
                Require(model.PredictsProbability, $"a churn model must predict a probability, objective is {model.Objective}");
                Require(m.ScoreBands is not null, "score_bands is required for a churn model");
                var b = m.ScoreBands!;
                Require(b.Low >= 0 && b.Low <= b.Medium && b.Medium <= b.High && b.High <= b.Critical && b.Critical <= 1, $"score_bands must satisfy 0 <= low <= medium <= high <= critical <= 1, was {b.Low}, {b.Medium}, {b.High}, {b.Critical}");
                break;
            case ModelKind.Value:
                Require(m.OfferId is null, "offer_id is only allowed for offer_propensity models");
                Require(m.TierCutPoints is { Count: > 0 }, "tier_cut_points is required for a value model");
                for (var i = 1; i < m.TierCutPoints!.Count; i++)
                {
                    Require(m.TierCutPoints[i - 1] < m.TierCutPoints[i], $"tier_cut_points must be strictly ascending, [{i - 1}] = {m.TierCutPoints[i - 1]} and [{i}] = {m.TierCutPoints[i]}");
                }

                break;
        }

        Require(m.Objective == model.Objective, $"objective '{m.Objective}' does not match model.json objective '{model.Objective}'");
        Require(m.Features.Count == model.NumFeatures, $"feature count mismatch: manifest lists {m.Features.Count} features but model.json num_feature is {model.NumFeatures}");
        if (model.FeatureNames is { } modelNames)
        {
            for (var i = 0; i < modelNames.Count; i++)
            {
                Require(modelNames[i] == m.Features[i].Name, $"features[{i}] is '{m.Features[i].Name}' but model.json names it '{modelNames[i]}'");
            }
        }

        Require(m.GoldenRows is { Count: > 0 }, "golden_rows is missing or empty");
        var row = new float[model.NumFeatures];
        for (var r = 0; r < m.GoldenRows.Count; r++)
        {
            var g = m.GoldenRows[r];
            Require(g?.Features is not null, $"golden_rows[{r}].features is missing");
            Require(g!.Features.Count == model.NumFeatures, $"golden_rows[{r}] has {g.Features.Count} features, expected {model.NumFeatures}");
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = g.Features[c] ?? float.NaN;
            }

            var actual = model.Predict(row);
            Require(Math.Abs(actual - g.Expected) <= GoldenTolerance * Math.Max(1, Math.Abs(g.Expected)), $"golden row {r} not reproduced: expected {g.Expected:R}, evaluator gives {actual:R}");
        }
    }

    private static void Require(bool ok, string problem)
    {
        if (!ok)
        {
            throw new ModelFormatException($"{ManifestFileName}: {problem}.");
        }
    }

    private static void RequireFile(string path, string name)
    {
        if (!File.Exists(path))
        {
            throw new ModelFormatException($"model package is missing {name}.");
        }
    }

    private static byte[] ReadEntry(ZipArchive archive, string name)
    {
        var entry = archive.GetEntry(name) ?? throw new ModelFormatException($"model package is missing {name}.");
        try
        {
            using var s = entry.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFormatException($"model package entry {name} is corrupt: {ex.Message}", ex);
        }
    }

    private static void WriteEntry(ZipArchive archive, string name, byte[] content)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTimestamp;
        using var s = entry.Open();
        s.Write(content);
    }
}
