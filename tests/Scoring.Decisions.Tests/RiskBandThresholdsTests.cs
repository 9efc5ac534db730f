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
}
