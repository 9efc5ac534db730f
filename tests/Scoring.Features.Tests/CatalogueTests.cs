using System.Text.RegularExpressions;

namespace Scoring.Features.Tests;

public sealed partial class CatalogueTests
{
    [Fact]
    public void Definitions_InOrder_HaveSequentialIndexesUniqueSnakeCaseNamesAndMeanings()
    {
        var defs = FeatureCatalogue.Definitions;
        Assert.Equal(FeatureCatalogue.Count, defs.Count);
        for (var i = 0; i < defs.Count; i++)
        {
            Assert.Equal(i, defs[i].Index);
            Assert.Matches(SnakeCase(), defs[i].Name);
            Assert.EndsWith(".", defs[i].Meaning, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(defs[i].Unit));
        }

        Assert.Equal(defs.Count, defs.Select(d => d.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("days_since_last_txn")]
    [InlineData("txn_count_7d")]
    [InlineData("txn_amount_365d")]
    [InlineData("amount_chng_90d")]
    [InlineData("amount_chng_q4_q1")]
    [InlineData("count_chng_q4_q1")]
    [InlineData("months_inactive_12m")]
    [InlineData("share_cross_border_90d")]
    [InlineData("avg_ticket_90d")]
    [InlineData("utilisation")]
    [InlineData("open_to_buy")]
    [InlineData("payment_ratio")]
    [InlineData("min_only_payments_12m")]
    [InlineData("unresolved_complaints")]
    [InlineData("days_since_last_login")]
    [InlineData("offers_declined_30d")]
    [InlineData("months_on_book")]
    [InlineData("card_product")]
    [InlineData("card_blocked")]
    public void Find_FeatureTheTaskNames_IsDeclared(string name) => Assert.NotNull(FeatureCatalogue.Find(name));

    [Fact]
    public void ValidateModelFeatures_SubsetWithMatchingTypes_HasNoProblems() =>
        Assert.Empty(FeatureCatalogue.ValidateModelFeatures([("txn_count_30d", FeatureType.Count), ("utilisation", FeatureType.Ratio)]));

    [Fact]
    public void ValidateModelFeatures_UnknownWrongTypeOrDuplicate_NamesEachProblem()
    {
        var problems = FeatureCatalogue.ValidateModelFeatures(
            [("no_such_feature", FeatureType.Numeric), ("utilisation", FeatureType.Count), ("card_closed", FeatureType.Boolean), ("card_closed", FeatureType.Boolean)]);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("no_such_feature", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("utilisation", StringComparison.Ordinal) && p.Contains("Ratio", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("twice", StringComparison.Ordinal));
    }

    [Fact]
    public void IndexOf_UnknownName_ThrowsNamingIt() =>
        Assert.Contains("nope", Assert.Throws<KeyNotFoundException>(() => FeatureCatalogue.IndexOf("nope")).Message, StringComparison.Ordinal);

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
