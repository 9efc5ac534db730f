using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;

namespace Scoring.Models.Tests;

/// <summary>TreeSHAP against libxgboost's pred_contribs (XGBoosterPredict option mask 4).</summary>
public sealed class TreeShapTests
{
    [Theory]
    [InlineData("binary:logistic", 6, 20, 30, 0.2, 31, 10_000)]
    [InlineData("reg:squarederror", 5, 15, 40, 0.15, 32, 10_000)]
    [InlineData("binary:logistic", 6, 300, 25, 0.3, 33, 300)]
    [InlineData("binary:logistic", 2, 20, 20, 0.1, 34, 10_000)]
    public void TreeShap_OnRowsWithMissingValues_MatchesLibxgboostPredContribs(string objective, int depth, int rounds, int columns, double missing, int seed, int rows)
    {
        var binary = objective == "binary:logistic";
        var train = SyntheticData.Create(2_000, columns, missing, binary, seed);
        var json = ModelFixtures.Train(train, new XgbTrainingParameters { Objective = objective, MaxDepth = depth, Rounds = rounds, ColsampleByTree = 0.7, Seed = seed, Threads = 1 });
        var model = TreeEnsemble.Load(json);
        var test = SyntheticData.Create(rows, columns, missing, binary, seed + 1000);

        var expected = ModelFixtures.OraclePredict(json, test, XgbPredictOptions.Contributions);

        Assert.Equal(rows * (columns + 1), expected.Length);
        var phi = new double[columns + 1];
        var workspace = new TreeShapWorkspace(model.MaxDepth);
        for (var i = 0; i < rows; i++)
        {
            model.TreeShap(test.Row(i), phi, workspace);
            for (var c = 0; c <= columns; c++)
            {
                var e = expected[(i * (columns + 1)) + c];
                if (!(Math.Abs(e - phi[c]) <= 1e-5))
                {
                    Assert.Fail($"row {i} column {c}{(c == columns ? " (bias)" : string.Empty)}: libxgboost {e:R}, ours {phi[c]:R}");
                }
            }
        }
    }

    [Fact]
    public void TreeShap_Contributions_SumToTheMargin()
    {
        var data = SyntheticData.Create(1_000, 15, 0.2, binary: true, seed: 35);
        var model = TreeEnsemble.Load(ModelFixtures.Train(data, new XgbTrainingParameters { MaxDepth = 5, Rounds = 30, Threads = 1 }));
        var phi = new double[16];

        for (var i = 0; i < 200; i++)
        {
            model.TreeShap(data.Row(i), phi);

            Assert.Equal(model.PredictRaw(data.Row(i)), phi.Sum(), 1e-5);
            Assert.Equal(model.ExpectedValue, phi[15], 1e-12);
        }
    }

    [Fact]
    public void TreeShap_ContributionsOfWrongLength_ThrowsNamingExpectedLength()
    {
        var data = SyntheticData.Create(200, 10, 0.2, binary: true, seed: 36);
        var model = TreeEnsemble.Load(ModelFixtures.Train(data, new XgbTrainingParameters { MaxDepth = 3, Rounds = 3, Threads = 1 }));

        var ex = Assert.Throws<ArgumentException>(() => model.TreeShap(data.Row(0), new double[10]));

        Assert.Contains("11", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0.1, -0.5, 0.3, 0.3, 0.0, 0.2 }, 3, new[] { 2, 3, 5 })]
    [InlineData(new[] { 0.1, -0.5, 0.3, 0.3, 0.0, 0.2 }, 10, new[] { 2, 3, 5, 0 })]
    [InlineData(new[] { -0.1, -0.5, 0.0 }, 2, new int[0])]
    [InlineData(new[] { 0.4, 0.4, 0.4 }, 2, new[] { 0, 1 })]
    [InlineData(new[] { 0.1, 0.9, 0.5, 0.7 }, 1, new[] { 1 })]
    [InlineData(new[] { 0.1, 0.9, 0.5, 0.7 }, 0, new int[0])]
    [InlineData(new[] { double.NaN, 0.2, 0.0 }, 3, new[] { 1 })]
    public void TopContributions_MixedSigns_ReturnsPositiveOnesDescendingWithLowerIndexFirstOnTies(double[] contributions, int k, int[] expected)
    {
        var dest = new int[Math.Max(k, 1)];

        var n = TreeEnsemble.TopContributions(contributions, k, dest);

        Assert.Equal(expected, dest[..n]);
    }

    [Fact]
    public void TopContributions_RandomVectors_AgreesWithSortingReference()
    {
        var rng = new Random(7);
        for (var trial = 0; trial < 500; trial++)
        {
            var c = Enumerable.Range(0, rng.Next(1, 40)).Select(_ => Math.Round((rng.NextDouble() * 2) - 1, 1)).ToArray();
            var k = rng.Next(0, 8);
            var dest = new int[k];
            var expected = c.Select((v, i) => (v, i)).Where(p => p.v > 0).OrderByDescending(p => p.v).ThenBy(p => p.i).Take(k).Select(p => p.i).ToArray();

            var n = TreeEnsemble.TopContributions(c, k, dest);

            Assert.Equal(expected, dest[..n]);
        }
    }
}
