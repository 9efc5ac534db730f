using Scoring.Cli.Training;

namespace Scoring.Cli.Tests.Training;

public sealed class MetricsTests
{
    [Fact]
    public void Evaluate_PerfectRanking_HasAucOneAndApOne()
    {
        var m = Metrics.Evaluate(new float[] { 0, 0, 1, 1 }, new[] { 0.1, 0.2, 0.8, 0.9 });
        Assert.Equal(1.0, m.RocAuc, 12);
        Assert.Equal(1.0, m.PrAuc, 12);
    }

    [Fact]
    public void Evaluate_ReversedRanking_HasAucZero() =>
        Assert.Equal(0.0, Metrics.Evaluate(new float[] { 1, 1, 0, 0 }, new[] { 0.1, 0.2, 0.8, 0.9 }).RocAuc, 12);

    [Fact]
    public void Evaluate_AllScoresTied_HasAucOneHalf() =>
        Assert.Equal(0.5, Metrics.Evaluate(new float[] { 1, 0, 1, 0, 0 }, new[] { 0.3, 0.3, 0.3, 0.3, 0.3 }).RocAuc, 12);

    [Fact]
    public void Evaluate_SmallExample_MatchesPairCountingAucAndHandComputedAp()
    {
        // Scores 0.9(1) 0.8(0) 0.7(1) 0.6(0) 0.5(1) 0.4(0).
        float[] labels = [1, 0, 1, 0, 1, 0];
        double[] scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
        var m = Metrics.Evaluate(labels, scores);

        var pairs = 0.0;
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        Assert.Equal(pairs / 9, m.RocAuc, 12);
        Assert.Equal(((1.0 / 1) + (2.0 / 3) + (3.0 / 5)) / 3, m.PrAuc, 12);
        var expectedLogLoss = -(Math.Log(0.9) + Math.Log(0.2) + Math.Log(0.7) + Math.Log(0.4) + Math.Log(0.5) + Math.Log(0.6)) / 6;
        Assert.Equal(expectedLogLoss, m.LogLoss, 12);
    }

    [Fact]
    public void Evaluate_Deciles_CumulativeGainEndsAtOneAndLiftAveragesToOne()
    {
        var rng = new Scoring.Cli.Population.Xoshiro256(3);
        var scores = Enumerable.Range(0, 1000).Select(_ => rng.NextDouble()).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s ? 1f : 0f).ToArray();
        var m = Metrics.Evaluate(labels, scores);

        Assert.Equal(10, m.Deciles.Count);
        Assert.Equal(1.0, m.Deciles[^1].CumulativeGain, 12);
        Assert.Equal(1.0, m.Deciles.Average(d => d.Lift), 6);
        Assert.True(m.Deciles[0].Lift > 1.5);
        Assert.Equal(1000, m.Calibration.Sum(b => b.Count));
        Assert.All(m.Calibration, b => Assert.InRange(b.ObservedRate, b.Low - 0.15, b.High + 0.15));
    }

    [Fact]
    public void LogisticBaseline_OnNoisyLinearData_LearnsTheSignalAndIgnoresNoise()
    {
        var rng = new Scoring.Cli.Population.Xoshiro256(8);
        const int N = 4000;
        var features = new float[N * 3];
        var labels = new float[N];
        for (var i = 0; i < N; i++)
        {
            var a = rng.Normal();
            var b = rng.Normal();
            features[i * 3] = (float)(100 + (50 * a)); // badly scaled signal
            features[(i * 3) + 1] = (float)b;          // noise
            features[(i * 3) + 2] = i % 7 == 0 ? float.NaN : (float)-a; // signal with gaps
            labels[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-2 * a)) ? 1f : 0f;
        }

        var (train, test) = new Dataset(["a", "noise", "minus_a"], features, labels).Split(0.25, 4);
        var model = LogisticBaseline.Fit(train);
        var auc = Metrics.Evaluate(test.Labels, model.Predict(test)).RocAuc;

        Assert.InRange(auc, 0.8, 0.95);
        Assert.True(Math.Abs(model.Weights[1]) < 0.2 * Math.Abs(model.Weights[0]));
    }
}
