using Scoring.Models.Packages;
using Scoring.V1;

namespace Scoring.Decisions.Tests;

public class RiskBandThresholdsTests
{
    private static readonly RiskBandThresholds Thresholds = RiskBandThresholds.Create(0.2, 0.5, 0.8);

    [Theory]
    [InlineData(0.0, RiskBand.Low)]
    [InlineData(0.1999, RiskBand.Low)]
    [InlineData(0.2, RiskBand.Medium)]
    [InlineData(0.4999, RiskBand.Medium)]
    [InlineData(0.5, RiskBand.High)]
    [InlineData(0.7999, RiskBand.High)]
    [InlineData(0.8, RiskBand.Critical)]
    [InlineData(1.0, RiskBand.Critical)]
    public void Classify_AtAndAroundEachCutPoint_ReturnsBandAboveTheCutPoint(double probability, RiskBand expected)
    {
        Assert.Equal(expected, Thresholds.Classify(probability));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Classify_ProbabilityOutsideUnitInterval_ThrowsNamingProbability(double probability)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Thresholds.Classify(probability));
        Assert.Equal("probability", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0, 0.5, 0.8, "medium")]
    [InlineData(0.2, 0.5, 1.0, "critical")]
    [InlineData(0.2, double.NaN, 0.8, "high")]
    [InlineData(0.5, 0.5, 0.8, "high")]
    [InlineData(0.6, 0.5, 0.8, "high")]
    [InlineData(0.2, 0.8, 0.7, "critical")]
    public void Create_CutPointsNotIncreasingInsideUnitInterval_ThrowsNamingTheField(double medium, double high, double critical, string field)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => RiskBandThresholds.Create(medium, high, critical));
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void FromCutPoints_WrongCount_ThrowsNamingTheCount()
    {
        var ex = Assert.Throws<ArgumentException>(() => RiskBandThresholds.FromCutPoints([0.2, 0.5]));
        Assert.Contains("got 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCutPoints_ThreeIncreasingValues_KeepsThemInOrder()
    {
        var t = RiskBandThresholds.FromCutPoints([0.1, 0.3, 0.6]);
        Assert.Equal((0.1, 0.3, 0.6), (t.Medium, t.High, t.Critical));
    }

    [Fact]
    public void FromManifest_ChurnPackageScoreBands_ClassifiesWithItsLowerBounds()
    {
        var t = RiskBandThresholds.FromManifest(new ScoreBands(0, 0.15, 0.4, 0.7));

        Assert.Equal(RiskBand.Low, t.Classify(0.149));
        Assert.Equal(RiskBand.Medium, t.Classify(0.15));
        Assert.Equal(RiskBand.High, t.Classify(0.4));
        Assert.Equal(RiskBand.Critical, t.Classify(0.7));
    }

    [Theory]
    [InlineData(0.1, 0.2, 0.5, 0.8, "score_bands.low must be 0")]
    [InlineData(0, 0.5, 0.5, 0.8, "score_bands.high:")]
    [InlineData(0, 0.2, 0.5, 1.0, "score_bands.critical:")]
    public void FromManifest_BandsNotStrictlyIncreasing_ThrowsNamingTheManifestField(double low, double medium, double high, double critical, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => RiskBandThresholds.FromManifest(new ScoreBands(low, medium, high, critical)));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
