using System.Reflection;
using Scoring.Features;

namespace Scoring.Decisions.Tests;

public class DecisionFeaturesTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var field in typeof(DecisionFeatures).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            data.Add((string)field.GetRawConstantValue()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecisionFeature_Name_ExistsInTheFeatureCatalogue(string name)
    {
        Assert.NotNull(FeatureCatalogue.Find(name));
        Assert.Equal(FeatureCatalogue.IndexOf(name), FeatureSchema.Catalogue.IndexOf(name));
    }

    [Fact]
    public void CatalogueSchema_MirrorsTheFeatureCatalogueOrder()
    {
        Assert.Equal(FeatureCatalogue.Definitions.Select(d => d.Name), FeatureSchema.Catalogue.Names);
    }
}
