using Scoring.Features;
using Scoring.Models.Packages;
using Scoring.V1;

namespace Scoring.Host.Models;

/// <summary>
/// A validated package ready to score live vectors: <see cref="Columns"/> maps each model input
/// (in the model's order) to its index in the catalogue-ordered live vector.
/// </summary>
internal sealed class LoadedModel
{
    private LoadedModel(ModelPackage package, int[] columns, string source)
    {
        Package = package;
        Columns = columns;
        Source = source;
        Use = new ModelUse { Name = package.Manifest.Name, Version = package.Manifest.Version, Role = ModelRole.Active };
    }

    public ModelPackage Package { get; }

    public string Name => Package.Manifest.Name;

    public string Version => Package.Manifest.Version;

    /// <summary>Where the package was loaded from (for start-up messages).</summary>
    public string Source { get; }

    public int[] Columns { get; }

    public int FeatureCount => Columns.Length;

    /// <summary>The answer's record of this model (immutable once built; cloned into answers).</summary>
    public ModelUse Use { get; }

    /// <summary>
    /// Validates the package's feature list against the feature catalogue (name and type) and
    /// builds the column map. Throws <see cref="ModelLoadException"/> naming the package and feature.
    /// </summary>
    public static LoadedModel Create(ModelPackage package, string source)
    {
        var features = package.Manifest.Features;
        var problems = new List<string>();
        var typed = new List<(string Name, FeatureType Type)>(features.Count);
        foreach (var f in features)
        {
            if (Enum.TryParse<FeatureType>(f.Type, ignoreCase: true, out var type))
            {
                typed.Add((f.Name, type));
            }
            else
            {
                problems.Add($"feature '{f.Name}' has unknown type '{f.Type}'");
            }
        }

        problems.AddRange(FeatureCatalogue.ValidateModelFeatures(typed));
        if (problems.Count > 0)
        {
            throw new ModelLoadException($"Model package '{package.Manifest.Name}' ({source}): {string.Join("; ", problems)}.");
        }

        var columns = new int[features.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = FeatureCatalogue.IndexOf(features[i].Name);
        }

        return new LoadedModel(package, columns, source);
    }

    /// <summary>Copies the model's inputs out of a catalogue-ordered vector.</summary>
    public void Gather(ReadOnlySpan<float> live, Span<float> destination)
    {
        var columns = Columns;
        for (var i = 0; i < columns.Length; i++)
        {
            destination[i] = live[columns[i]];
        }
    }

    /// <summary>The model's prediction (probability or value) for a catalogue-ordered vector.</summary>
    public double Predict(ReadOnlySpan<float> live)
    {
        Span<float> row = Columns.Length <= 256 ? stackalloc float[Columns.Length] : new float[Columns.Length];
        Gather(live, row);
        return Package.Model.Predict(row);
    }
}

/// <summary>A model package that cannot be served; the message names the package and the problem.</summary>
internal sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
