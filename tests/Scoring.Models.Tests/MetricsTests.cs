using Scoring.Models.Metrics;

namespace Scoring.Models.Tests;

/// <summary>Metrics against cases worked out by hand (the arithmetic is in the comments).</summary>
public sealed class MetricsTests
{
    [Theory]
    // Positives 0.35, 0.8; negatives 0.1, 0.4: pairs won 0.35>0.1, 0.8>0.1, 0.8>0.4 → 3 of 4.
    [InlineData(new[] { 0.1, 0.4, 0.35, 0.8 }, new float[] { 0, 0, 1, 1 }, 0.75)]
    // Positives 0.5, 0.9; negatives 0.1, 0.5: 1 + 0.5 (tie) + 1 + 1 = 3.5 of 4.
    [InlineData(new[] { 0.1, 0.5, 0.5, 0.9 }, new float[] { 0, 1, 0, 1 }, 0.875)]
    [InlineData(new[] { 0.5, 0.5, 0.5, 0.5 }, new float[] { 0, 1, 0, 1 }, 0.5)]
    [InlineData(new[] { 0.9, 0.8, 0.2, 0.1 }, new float[] { 0, 0, 1, 1 }, 0.0)]
    public void RocAuc_HandComputedCases_ReturnsExpectedArea(double[] scores, float[] labels, double expected)
    {
        Assert.Equal(expected, ClassificationMetrics.RocAuc(scores, labels), 12);
    }

    [Fact]
    public void RocAuc_RandomScoresWithTies_EqualsPairwiseCount()
    {
        var rng = new Random(3);
        for (var trial = 0; trial < 50; trial++)
        {
            var n = rng.Next(2, 60);
            var scores = Enumerable.Range(0, n).Select(_ => rng.Next(0, 8) / 8.0).ToArray();
            var labels = Enumerable.Range(0, n).Select(i => i < 1 ? 1f : i < 2 ? 0f : rng.Next(0, 2)).ToArray();
            double wins = 0;
            var pairs = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    if (labels[i] == 1 && labels[j] == 0)
                    {
                        pairs++;
                        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            }

            Assert.Equal(wins / pairs, ClassificationMetrics.RocAuc(scores, labels), 12);
        }
    }

    [Theory]
    // Descending: 0.8(+) R=.5 P=1 → .5; 0.4(−); 0.35(+) R=1 P=2/3 → +1/3. Total 5/6.
    [InlineData(new[] { 0.1, 0.4, 0.35, 0.8 }, new float[] { 0, 0, 1, 1 }, 5.0 / 6)]
    // Tie at 0.5 enters together: R=.5 P=.5 → .25; 0.2(+): R=1 P=2/3 → +1/3. Total 7/12.
    [InlineData(new[] { 0.5, 0.5, 0.2 }, new float[] { 1, 0, 1 }, 7.0 / 12)]
    [InlineData(new[] { 0.9, 0.8, 0.1 }, new float[] { 1, 1, 0 }, 1.0)]
    public void AveragePrecision_HandComputedCases_ReturnsExpectedArea(double[] scores, float[] labels, double expected)
    {
        Assert.Equal(expected, ClassificationMetrics.AveragePrecision(scores, labels), 12);
    }

    [Fact]
    public void LogLoss_TwoRows_IsMeanNegativeLogLikelihood()
    {
        // −(ln 0.9 + ln 0.8) / 2 = (0.1053605 + 0.2231436) / 2.
        Assert.Equal(0.164252033486018, ClassificationMetrics.LogLoss([0.9, 0.2], [1f, 0f]), 12);
    }

    [Fact]
    public void LogLoss_CertainWrongPrediction_IsClippedNotInfinite()
    {
        Assert.Equal(-Math.Log(1e-15), ClassificationMetrics.LogLoss([0.0], [1f]), 9);
    }

    [Fact]
    public void Calibration_TwoBins_ReportsMeanPredictedAndObservedRatePerBin()
    {
        var bins = ClassificationMetrics.Calibration([0.4, 0.1, 0.3, 0.2], [1f, 0f, 1f, 0f], bins: 2);

        Assert.Equal(new CalibrationBin(1, 2, 0.1, 0.2, 0.15000000000000002, 0), bins[0]);
        Assert.Equal(new CalibrationBin(2, 2, 0.3, 0.4, 0.35, 1), bins[1]);
    }

    [Fact]
    public void Lift_FiveBins_ReportsRateLiftAndCumulativeGain()
    {
        double[] scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
        float[] labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0];

        var lift = ClassificationMetrics.Lift(scores, labels, bins: 5);

        // Base rate 0.3. Top bin: 2/2 → lift 3.33, gain 2/3. Second: 1/2 → lift 1.67, gain 1, cumulative lift 0.75/0.3.
        Assert.Equal(5, lift.Count);
        Assert.Equal(2, lift[0].Positives);
        Assert.Equal(1 / 0.3, lift[0].Lift, 12);
        Assert.Equal(2 / 3.0, lift[0].CumulativeGain, 12);
        Assert.Equal(0.5 / 0.3, lift[1].Lift, 12);
        Assert.Equal(1.0, lift[1].CumulativeGain, 12);
        Assert.Equal(2.5, lift[1].CumulativeLift, 12);
        Assert.Equal(1.0, lift[4].CumulativeGain, 12);
        Assert.Equal(1.0, lift[4].CumulativeLift, 12);
    }

    [Fact]
    public void RegressionMetrics_ThreeRows_MatchHandComputedValues()
    {
        double[] predictions = [1, 2, 3];
        float[] targets = [1, 3, 5];

        // Residuals 0, 1, 2: RMSE √(5/3), MAE 1; mean 3, SS_tot 8, SS_res 5 → R² 3/8.
        Assert.Equal(Math.Sqrt(5.0 / 3), RegressionMetrics.Rmse(predictions, targets), 12);
        Assert.Equal(1.0, RegressionMetrics.Mae(predictions, targets), 12);
        Assert.Equal(0.375, RegressionMetrics.R2(predictions, targets), 12);
    }

    [Theory]
    [InlineData(new[] { 0.1, 0.2 }, new float[] { 1, 1 }, "negatives")]
    [InlineData(new[] { 0.1, 0.2 }, new float[] { 1, 2 }, "labels[1]")]
    [InlineData(new[] { 0.1 }, new float[] { 1, 0 }, "labels has 2")]
    public void RocAuc_InvalidInput_ThrowsNamingTheProblem(double[] scores, float[] labels, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc(scores, labels));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
