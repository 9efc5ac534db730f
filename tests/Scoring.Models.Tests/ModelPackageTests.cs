using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scoring.Models.Evaluator;
using Scoring.Models.Packages;
using Scoring.Models.Xgb;
using Scoring.V1;

namespace Scoring.Models.Tests;

public sealed class ModelPackageTests
{
    private const int Features = 12;

    private static readonly Lazy<(byte[] Model, SyntheticData Data)> Churn = new(() =>
    {
        var data = SyntheticData.Create(1_500, Features, 0.2, binary: true, seed: 51);
        return (ModelFixtures.Train(data, new XgbTrainingParameters { MaxDepth = 4, Rounds = 40, Threads = 1, Seed = 51 }), data);
    });

    [Fact]
    public void WriteZipThenLoad_ChurnPackage_RoundTripsManifestAndPredictions()
    {
        var package = Build();
        using var zip = new MemoryStream();
        package.WriteZip(zip);
        zip.Position = 0;

        var loaded = ModelPackage.Load(zip);

        Assert.Equal(package.Manifest.Name, loaded.Manifest.Name);
        Assert.Equal(ModelKind.Churn, loaded.Manifest.Kind);
        Assert.Equal("binary:logistic", loaded.Manifest.Objective);
        Assert.Equal(package.Manifest.Features, loaded.Manifest.Features);
        Assert.Equal(package.Manifest.TrainingWindow, loaded.Manifest.TrainingWindow);
        Assert.Equal(package.Manifest.Snapshot, loaded.Manifest.Snapshot);
        Assert.Equal(package.Manifest.ScoreBands, loaded.Manifest.ScoreBands);
        Assert.Equal(package.Manifest.Metrics, loaded.Manifest.Metrics);
        Assert.Equal(package.Manifest.CreatedAt, loaded.Manifest.CreatedAt);
        Assert.Equal(20, loaded.Manifest.GoldenRows.Count);
        Assert.Contains(loaded.Manifest.GoldenRows, g => g.Features.Any(f => f is null));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(package.ModelJson.Span)), loaded.Manifest.ModelSha256);
        var data = Churn.Value.Data;
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(package.Model.Predict(data.Row(i)), loaded.Model.Predict(data.Row(i)));
        }
    }

    [Fact]
    public void WriteZip_SameInputsTwice_ProducesIdenticalBytes()
    {
        using var a = new MemoryStream();
        using var b = new MemoryStream();

        Build().WriteZip(a);
        Build().WriteZip(b);

        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void WriteDirectoryThenLoad_ValuePackage_RoundTrips()
    {
        var data = SyntheticData.Create(1_000, Features, 0.1, binary: false, seed: 52);
        var model = ModelFixtures.Train(data, new XgbTrainingParameters { Objective = "reg:squarederror", MaxDepth = 3, Rounds = 20, Threads = 1 });
        var package = ModelPackageWriter.Build(model, Metadata(ModelKind.Value) with { ScoreBands = null, TierCutPoints = [1.5, 3, 4.5] }, data.X.AsSpan(0, 10 * Features));
        var dir = Directory.CreateTempSubdirectory("pkg-").FullName;
        try
        {
            package.WriteDirectory(dir);

            var loaded = ModelPackage.Load(dir);

            Assert.Equal(ModelKind.Value, loaded.Manifest.Kind);
            Assert.Equal([1.5, 3, 4.5], loaded.Manifest.TierCutPoints);
            Assert.Equal(package.Model.Predict(data.Row(42)), loaded.Model.Predict(data.Row(42)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_TruncatedModelJson_FailsNamingInvalidJsonAndByteOffset()
    {
        var (manifest, model) = Parts();
        var truncated = model.AsSpan(0, model.Length / 2).ToArray();

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(manifest, truncated));

        Assert.Contains("model.json is not valid JSON at byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownObjective_FailsNamingTheObjective()
    {
        var (manifest, model) = Parts();
        var text = Encoding.UTF8.GetString(model).Replace("\"name\":\"binary:logistic\"", "\"name\":\"rank:pairwise\"", StringComparison.Ordinal);
        var changed = Encoding.UTF8.GetBytes(text);

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(WithChecksum(manifest, changed), changed));

        Assert.Contains("unsupported objective 'rank:pairwise'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestWithFewerFeaturesThanModel_FailsWithFeatureCountMismatch()
    {
        var (manifest, model) = Parts();
        var node = JsonNode.Parse(manifest)!;
        node["features"]!.AsArray().RemoveAt(Features - 1);

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(Encoding.UTF8.GetBytes(node.ToJsonString()), model));

        Assert.Contains("feature count mismatch: manifest lists 11 features but model.json num_feature is 12", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelChangedAfterPackaging_FailsWithChecksumMismatch()
    {
        var (manifest, model) = Parts();
        var text = Encoding.UTF8.GetString(model);
        Assert.Contains("\"base_score\":\"5E-1\"", text, StringComparison.Ordinal);
        var tampered = Encoding.UTF8.GetBytes(text.Replace("\"base_score\":\"5E-1\"", "\"base_score\":\"4E-1\"", StringComparison.Ordinal));

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(manifest, tampered));

        Assert.StartsWith("checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GoldenRowNotReproduced_FailsNamingRowAndValues()
    {
        var (manifest, model) = Parts();
        var node = JsonNode.Parse(manifest)!;
        var row = node["golden_rows"]![3]!;
        var expected = row["expected"]!.GetValue<double>();
        row["expected"] = expected + 0.01;

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(Encoding.UTF8.GetBytes(node.ToJsonString()), model));

        Assert.Contains("golden row 3 not reproduced", ex.Message, StringComparison.Ordinal);
        Assert.Contains((expected + 0.01).ToString("R", System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", "name")]
    [InlineData("created_at", "created_at")]
    [InlineData("training_window", "training_window")]
    [InlineData("score_bands", "score_bands is required for a churn model")]
    [InlineData("golden_rows", "golden_rows is missing or empty")]
    public void Load_ManifestMissingField_FailsNamingTheField(string field, string fragment)
    {
        var (manifest, model) = Parts();
        var node = JsonNode.Parse(manifest)!.AsObject();
        node.Remove(field);

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(Encoding.UTF8.GetBytes(node.ToJsonString()), model));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind", "\"retention\"", "kind must be churn, offer_propensity or value")]
    [InlineData("kind", "\"offer_propensity\"", "offer_id is required")]
    [InlineData("format_version", "2", "format_version 2 is not supported")]
    public void Load_ManifestWithBadValue_FailsNamingTheProblem(string field, string json, string fragment)
    {
        var (manifest, model) = Parts();
        var node = JsonNode.Parse(manifest)!.AsObject();
        node[field] = JsonNode.Parse(json);

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(Encoding.UTF8.GetBytes(node.ToJsonString()), model));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedManifest_FailsNamingManifestAndByteOffset()
    {
        var (manifest, model) = Parts();

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.FromBytes(manifest.AsSpan(0, 100), model));

        Assert.Contains("manifest.json is not valid JSON at byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZipWithoutModel_FailsNamingTheMissingEntry()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = archive.CreateEntry("manifest.json").Open();
            s.Write(Parts().Manifest);
        }

        zip.Position = 0;

        var ex = Assert.Throws<ModelFormatException>(() => ModelPackage.Load(zip));

        Assert.Equal("model package is missing model.json.", ex.Message);
    }

    [Theory]
    [InlineData(0.05, "low")]
    [InlineData(0.3, "medium")]
    [InlineData(0.6, "high")]
    [InlineData(0.8, "critical")]
    public void BandOf_ChurnScore_ReturnsItsBand(double score, string band)
    {
        Assert.Equal(band, Build().BandOf(score));
    }

    private static ModelManifest Metadata(ModelKind kind) => new()
    {
        Name = "churn-90d",
        Version = "2026.11.1",
        Kind = kind,
        Features = Enumerable.Range(0, Features).Select(i => new ModelFeature($"feature_{i}", i % 5 == 4 ? "int" : "float")).ToArray(),
        TrainingWindow = new TrainingWindow(new DateOnly(2025, 11, 1), new DateOnly(2026, 10, 31)),
        Snapshot = new SnapshotInfo("snap-2026-11-01", new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero), 1_500),
        Metrics = new Dictionary<string, double> { ["auc_roc"] = 0.81, ["pr_auc"] = 0.62, ["log_loss"] = 0.48 },
        ScoreBands = new ScoreBands(0, 0.2, 0.5, 0.75),
        CreatedAt = new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero),
        CreatedBy = "scoring-cli 1.0.0",
    };

    private static ModelPackage Build()
    {
        var (model, data) = Churn.Value;

        // 20 golden rows: the first 18 training rows (with their missing cells) plus all-missing and all-zero rows.
        var golden = new float[20 * Features];
        data.X.AsSpan(0, 18 * Features).CopyTo(golden);
        golden.AsSpan(18 * Features, Features).Fill(float.NaN);
        return ModelPackageWriter.Build(model, Metadata(ModelKind.Churn), golden);
    }

    private static (byte[] Manifest, byte[] Model) Parts()
    {
        var dir = Directory.CreateTempSubdirectory("pkg-").FullName;
        try
        {
            Build().WriteDirectory(dir);
            return (File.ReadAllBytes(Path.Combine(dir, "manifest.json")), File.ReadAllBytes(Path.Combine(dir, "model.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] WithChecksum(byte[] manifest, byte[] model)
    {
        var node = JsonNode.Parse(manifest)!;
        node["model_sha256"] = Convert.ToHexStringLower(SHA256.HashData(model));
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}
