using Scoring.Models.Evaluator;

namespace Scoring.Models.Packages;

/// <summary>Builds a model package from a trained booster's JSON and the owner's metadata.</summary>
public static class ModelPackageWriter
{
    /// <summary>
    /// Compiles <paramref name="modelJson"/>, fills the manifest's objective, checksum and golden rows (scored by the
    /// native evaluator on <paramref name="goldenInputs"/>: rows × features, row-major, NaN for missing), then validates
    /// the result exactly as <see cref="ModelPackage.Load(string)"/> would.
    /// </summary>
    public static ModelPackage Build(ReadOnlySpan<byte> modelJson, ModelManifest metadata, ReadOnlySpan<float> goldenInputs)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var model = TreeEnsemble.Load(modelJson, ModelPackage.ModelFileName);
        var n = model.NumFeatures;
        if (goldenInputs.IsEmpty || goldenInputs.Length % n != 0)
        {
            throw new ArgumentException($"goldenInputs has {goldenInputs.Length} values, which is not a positive multiple of the model's {n} features.", nameof(goldenInputs));
        }

        var golden = new GoldenRow[goldenInputs.Length / n];
        for (var r = 0; r < golden.Length; r++)
        {
            var row = goldenInputs.Slice(r * n, n);
            var features = new float?[n];
            for (var c = 0; c < n; c++)
            {
                features[c] = float.IsNaN(row[c]) ? null : row[c];
            }

            golden[r] = new GoldenRow(features, model.Predict(row));
        }

        var manifest = metadata with
        {
            Objective = model.Objective,
            ModelSha256 = ModelPackage.Sha256Hex(modelJson),
            GoldenRows = golden,
        };
        ModelPackage.Validate(manifest, model);
        return new ModelPackage(manifest, modelJson.ToArray(), model);
    }
}
