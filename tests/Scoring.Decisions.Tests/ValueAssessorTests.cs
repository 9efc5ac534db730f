using Scoring.V1;

namespace Scoring.Decisions.Tests;

public class ValueAssessorTests
{
    private static readonly ValueAssessor Assessor = new(TestData.Schema, TestData.CutPoints);

    [Theory]
    [InlineData(0, false, ValueTier.Basic)]
    [InlineData(499.99, true, ValueTier.Basic)]
    [InlineData(500, false, ValueTier.Mass)]
    [InlineData(1999.99, true, ValueTier.Mass)]
    [InlineData(2000, true, ValueTier.Potential)]
    [InlineData(2000, false, ValueTier.Mass)]
    [InlineData(9999.99, true, ValueTier.Potential)]
    [InlineData(10000, false, ValueTier.Hnw)]
    [InlineData(250000, true, ValueTier.Hnw)]
    public void ClassifyTier_AroundEachCutPoint_PotentialNeedsGrowth(double score, bool growing, ValueTier expected)
    {
        var features = TestData.Features((DecisionFeatures.AmountChange90d, growing ? 1.25 : 1.02));
        Assert.Equal(expected, Assessor.ClassifyTier(score, features));
    }

    [Fact]
    public void ClassifyTier_TransactionCountGrowthAlone_CountsAsGrowth()
    {
        var features = TestData.Features((DecisionFeatures.AmountChange90d, 1.0), (DecisionFeatures.CountChange90d, 1.10));
        Assert.Equal(ValueTier.Potential, Assessor.ClassifyTier(3000, features));
    }

    [Theory]
    [InlineData(0, 500, 2000, "mass")]
    [InlineData(500, 500, 2000, "potential")]
    [InlineData(500, 2000, 1999, "hnw")]
    [InlineData(500, 2000, double.PositiveInfinity, "hnw")]
    public void CutPointsCreate_NotPositiveOrNotIncreasing_ThrowsNamingTheField(double mass, double potential, double hnw, string field)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ValueTierCutPoints.Create(mass, potential, hnw));
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void CutPointsFromManifest_ThreeAscendingValues_MapToMassPotentialHnw()
    {
        var cut = ValueTierCutPoints.FromManifest([300, 1500, 8000]);
        Assert.Equal((300.0, 1500.0, 8000.0), (cut.Mass, cut.Potential, cut.Hnw));
    }

    [Theory]
    [InlineData(new[] { 300.0, 1500.0 }, "tier_cut_points must hold 3 ascending values (mass, potential, hnw), got 2")]
    [InlineData(new[] { 0.0, 1500.0, 8000.0 }, "tier_cut_points (mass):")]
    [InlineData(new[] { 300.0, 1500.0, 1500.0 }, "tier_cut_points (hnw):")]
    public void CutPointsFromManifest_BadList_ThrowsNamingTheManifestField(double[] cutPoints, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ValueTierCutPoints.FromManifest(cutPoints));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(89, LifecycleStage.Mature, "last transaction 89 days ago")]
    [InlineData(89.99, LifecycleStage.Mature, "last transaction 89 days ago")]
    [InlineData(90, LifecycleStage.Declining, "no transaction for 90 days")]
    [InlineData(104, LifecycleStage.Declining, "no transaction for 104 days")]
    [InlineData(179, LifecycleStage.Declining, "no transaction for 179 days")]
    [InlineData(180, LifecycleStage.Churned, "no transaction for 180 days")]
    [InlineData(400, LifecycleStage.Churned, "no transaction for 400 days")]
    [InlineData(0, LifecycleStage.Mature, "last transaction today")]
    [InlineData(1, LifecycleStage.Mature, "last transaction 1 day ago")]
    public void ClassifyStage_DaysSinceLastTransaction_StageBoundariesAt90And180(double days, LifecycleStage expected, string fact)
    {
        var facts = new List<string>();
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.DaysSinceLastTxn, days)), facts);

        Assert.Equal(expected, stage);
        Assert.Equal(fact, facts[0]);
    }

    [Fact]
    public void ClassifyStage_CardClosed_IsChurnedEvenWhenRecentlyActive()
    {
        var facts = new List<string>();
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.CardClosed, 1), (DecisionFeatures.DaysSinceLastTxn, 2)), facts);

        Assert.Equal(LifecycleStage.Churned, stage);
        Assert.Equal(["card closed"], facts);
    }

    [Fact]
    public void ClassifyStage_CardBlockedButOpen_IsNotChurned()
    {
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.CardBlocked, 1)));
        Assert.Equal(LifecycleStage.Mature, stage);
    }

    [Theory]
    [InlineData(2, "card issued 2 months ago")]
    [InlineData(1, "card issued 1 month ago")]
    [InlineData(0, "card issued this month")]
    public void ClassifyStage_NoTransactionEver_IsNewWithIssueAge(double months, string issued)
    {
        var facts = new List<string>();
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.DaysSinceLastTxn, double.NaN), (DecisionFeatures.MonthsOnBook, months)), facts);

        Assert.Equal(LifecycleStage.New, stage);
        Assert.Equal(["no first transaction yet", issued], facts);
    }

    [Fact]
    public void ClassifyStage_SpendingAndCountUpTenPercentOrMore_IsGrowingWithBothFacts()
    {
        var facts = new List<string>();
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.AmountChange90d, 1.25), (DecisionFeatures.CountChange90d, 1.1)), facts);

        Assert.Equal(LifecycleStage.Growing, stage);
        Assert.Equal(["spending up 25% on the previous quarter", "transactions up 10% on the previous quarter"], facts);
    }

    [Fact]
    public void ClassifyStage_GrowthJustBelowTenPercent_IsMature()
    {
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.AmountChange90d, 1.0999), (DecisionFeatures.CountChange90d, double.NaN)));
        Assert.Equal(LifecycleStage.Mature, stage);
    }

    [Theory]
    [InlineData(5, LifecycleStage.Growing)]
    [InlineData(6, LifecycleStage.Mature)]
    public void ClassifyStage_YoungActiveCard_IsGrowingUnderSixMonths(double months, LifecycleStage expected)
    {
        var facts = new List<string>();
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.MonthsOnBook, months), (DecisionFeatures.DaysSinceLastTxn, 12)), facts);

        Assert.Equal(expected, stage);
        if (expected == LifecycleStage.Growing)
        {
            Assert.Equal(["card opened 5 months ago", "last transaction 12 days ago"], facts);
        }
        else
        {
            Assert.Equal(["last transaction 12 days ago", "card held for 6 months"], facts);
        }
    }

    [Fact]
    public void ClassifyStage_YoungCardIdleFor90Days_IsDecliningNotGrowing()
    {
        var stage = Assessor.ClassifyStage(TestData.Features((DecisionFeatures.MonthsOnBook, 4), (DecisionFeatures.DaysSinceLastTxn, 95)));
        Assert.Equal(LifecycleStage.Declining, stage);
    }

    [Fact]
    public void Assess_DecliningPotentialCustomer_FillsTierScoreStageAndFacts()
    {
        var features = TestData.Features((DecisionFeatures.DaysSinceLastTxn, 104), (DecisionFeatures.AmountChange90d, 1.3));

        var assessment = Assessor.Assess(4000, features);

        Assert.Equal(ValueTier.Potential, assessment.Tier);
        Assert.Equal(4000, assessment.ValueScore);
        Assert.Equal(LifecycleStage.Declining, assessment.Stage);
        Assert.Equal(["no transaction for 104 days"], assessment.StageFacts);
    }

    [Fact]
    public void Constructor_SchemaWithoutRequiredFeature_ThrowsNamingTheFeature()
    {
        var schema = FeatureSchema.FromNames([DecisionFeatures.DaysSinceLastTxn]);
        var ex = Assert.Throws<ArgumentException>(() => new ValueAssessor(schema, TestData.CutPoints));
        Assert.Contains(DecisionFeatures.AmountChange90d, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassifyTier_FeatureVectorOfWrongLength_ThrowsNamingFeatures()
    {
        var ex = Assert.Throws<ArgumentException>(() => Assessor.ClassifyTier(100, new float[3]));
        Assert.Equal("features", ex.ParamName);
    }
}
