using System.Collections.Frozen;
using Scoring.Decisions;
using Scoring.Models.Packages;

namespace Scoring.Host.Models;

/// <summary>
/// The models serving traffic, as one immutable snapshot: a request reads
/// <see cref="ModelRegistry.Current"/> once and uses that set throughout, so a swap (model
/// admin) never mixes versions within an answer.
/// </summary>
internal sealed class ModelSet
{
    public ModelSet(LoadedModel churn, LoadedModel value, IEnumerable<LoadedModel> offers)
    {
        if (churn.Package.Manifest.Kind != Scoring.V1.ModelKind.Churn)
        {
            throw new ModelLoadException($"Model package '{churn.Name}' ({churn.Source}) is a {churn.Package.Manifest.Kind} model, expected churn.");
        }

        if (value.Package.Manifest.Kind != Scoring.V1.ModelKind.Value)
        {
            throw new ModelLoadException($"Model package '{value.Name}' ({value.Source}) is a {value.Package.Manifest.Kind} model, expected value.");
        }

        Churn = churn;
        Value = value;
        try
        {
            Bands = RiskBandThresholds.FromManifest(churn.Package.Manifest.ScoreBands!);
            Reasons = new ReasonWriter(FeatureSchema.FromNames([.. churn.Package.Manifest.Features.Select(f => f.Name)]));
            Assessor = new ValueAssessor(FeatureSchema.Catalogue, ValueTierCutPoints.FromManifest(value.Package.Manifest.TierCutPoints!));
        }
        catch (ArgumentException ex)
        {
            throw new ModelLoadException($"Model packages '{churn.Name}'/'{value.Name}': {ex.Message}", ex);
        }

        var byName = new Dictionary<string, LoadedModel>(StringComparer.Ordinal);
        foreach (var offer in offers)
        {
            if (offer.Package.Manifest.Kind != Scoring.V1.ModelKind.OfferPropensity)
            {
                throw new ModelLoadException($"Model package '{offer.Name}' ({offer.Source}) is a {offer.Package.Manifest.Kind} model, expected offer_propensity.");
            }

            if (!byName.TryAdd(offer.Name, offer))
            {
                throw new ModelLoadException($"Model package '{offer.Name}' is loaded twice ({byName[offer.Name].Source} and {offer.Source}).");
            }
        }

        OffersByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        MaxFeatureCount = Math.Max(churn.FeatureCount, Math.Max(value.FeatureCount, byName.Values.Select(o => o.FeatureCount).DefaultIfEmpty(0).Max()));
    }

    public LoadedModel Churn { get; }

    public LoadedModel Value { get; }

    /// <summary>Offer propensity models by package name (the catalogue's propensity_model).</summary>
    public FrozenDictionary<string, LoadedModel> OffersByName { get; }

    public RiskBandThresholds Bands { get; }

    /// <summary>Phrases the churn model's TreeSHAP contributions (model feature order).</summary>
    public ReasonWriter Reasons { get; }

    public ValueAssessor Assessor { get; }

    public int MaxFeatureCount { get; }

    /// <summary>The propensity model of each catalogue offer (null: use the prior), in catalogue order.</summary>
    public LoadedModel?[] OfferModelsFor(OfferCatalogue catalogue)
    {
        var models = new LoadedModel?[catalogue.Count];
        for (var i = 0; i < models.Length; i++)
        {
            if (catalogue.Offers[i].PropensityModel is { } name)
            {
                models[i] = OffersByName.GetValueOrDefault(name);
            }
        }

        return models;
    }

    /// <summary>Loads and validates every package under <paramref name="directory"/>.</summary>
    public static ModelSet LoadDirectory(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException($"Models:Directory '{directory}' does not exist.");
        }

        var churn = LoadOne(directory, "churn");
        var value = LoadOne(directory, "value");
        var offers = new List<LoadedModel>();
        var offersDir = Path.Combine(directory, "offers");
        if (System.IO.Directory.Exists(offersDir))
        {
            var entries = System.IO.Directory.GetDirectories(offersDir)
                .Concat(System.IO.Directory.GetFiles(offersDir, "*.zip"))
                .Order(StringComparer.Ordinal);
            foreach (var path in entries)
            {
                offers.Add(LoadPath(path, "offers/" + Path.GetFileName(path)));
            }
        }

        return new ModelSet(churn, value, offers);
    }

    private static LoadedModel LoadOne(string directory, string name)
    {
        var dir = Path.Combine(directory, name);
        var zip = dir + ".zip";
        var path = System.IO.Directory.Exists(dir) ? dir : File.Exists(zip) ? zip
            : throw new ModelLoadException($"Model package '{name}' is missing: neither {dir} nor {zip} exists (Models:Directory).");
        return LoadPath(path, name);
    }

    private static LoadedModel LoadPath(string path, string label)
    {
        ModelPackage package;
        try
        {
            package = ModelPackage.Load(path);
        }
        catch (Exception ex) when (ex is Scoring.Models.Evaluator.ModelFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"Model package '{label}' ({path}): {ex.Message}", ex);
        }

        return LoadedModel.Create(package, path);
    }
}
