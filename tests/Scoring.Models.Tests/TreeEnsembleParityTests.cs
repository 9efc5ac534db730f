using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;

namespace Scoring.Models.Tests;

/// <summary>The native evaluator against libxgboost (through our P/Invoke) on the same rows.</summary>
public sealed class TreeEnsembleParityTests
{
    [Theory]
    [InlineData("binary:logistic", 6, 300, 30, 0.2, 11)]
    [InlineData("binary:logistic", 3, 60, 20, 0.3, 12)]
    [InlineData("reg:squarederror", 6, 80, 40, 0.1, 13)]
    [InlineData("reg:squarederror", 1, 40, 25, 0.25, 14)]
    [InlineData("binary:logistic", 12, 20, 30, 0.2, 20)]
    [InlineData("binary:logitraw", 4, 30, 20, 0.2, 15)]
    [InlineData("reg:logistic", 4, 30, 20, 0.2, 16)]
    [InlineData("reg:tweedie", 4, 30, 20, 0.2, 17)]
    [InlineData("count:poisson", 4, 30, 20, 0.2, 18)]
    [InlineData("reg:gamma", 4, 30, 20, 0.2, 19)]
    public void Predict_OnTenThousandRowsWithMissingValues_MatchesLibxgboost(string objective, int depth, int rounds, int columns, double missing, int seed)
    {
        var binary = objective is "binary:logistic" or "binary:logitraw" or "reg:logistic";
        var positive = objective is "reg:tweedie" or "count:poisson" or "reg:gamma";
        var train = SyntheticData.Create(3_000, columns, missing, binary, seed, positive);
        var parameters = new XgbTrainingParameters { Objective = objective, MaxDepth = depth, Rounds = rounds, Eta = 0.1, Subsample = 0.8, ColsampleByTree = 0.8, Seed = seed, Threads = 1 };
        var json = ModelFixtures.Train(train, parameters);
        var model = TreeEnsemble.Load(json);
        var test = SyntheticData.Create(10_000, columns, missing, binary, seed + 1000, positive);

        var expected = ModelFixtures.OraclePredict(json, test, XgbPredictOptions.None);
        var expectedMargin = ModelFixtures.OraclePredict(json, test, XgbPredictOptions.OutputMargin);

        Assert.Equal(rounds, model.TreeCount);
        Assert.Equal(columns, model.NumFeatures);
        Assert.Equal(objective, model.Objective);
        for (var i = 0; i < test.Rows; i++)
        {
            var row = test.Row(i);
            AssertClose(expected[i], model.Predict(row), 1e-6, i);
            AssertClose(expectedMargin[i], model.PredictRaw(row), 1e-5 * Math.Max(1, Math.Abs(expectedMargin[i])), i);
        }
    }

    [Theory]
    // Depth 7 with min_child_weight 5 leaves many leaves above the bottom, exercising the padding splits.
    [InlineData(7, 5, 60, 6)]
    // 61 trees: seven groups of eight walked together, then one group of four and one single tree.
    [InlineData(6, 3, 61, 11)]
    public void Predict_CompleteTreeLayout_EqualsPointerWalkBitForBit(int maxDepth, int minChildWeight, int rounds, int seed)
    {
        // 25% missing cells exercise both default directions.
        var data = SyntheticData.Create(3_000, 25, 0.25, binary: true, seed: seed);
        var model = TreeEnsemble.Load(ModelFixtures.Train(data, new XgbTrainingParameters { MaxDepth = maxDepth, MinChildWeight = minChildWeight, Rounds = rounds, Threads = 1 }));
        Assert.True(model.UsesCompleteLayout);
        Assert.Equal(rounds, model.TreeCount);

        for (var i = 0; i < data.Rows; i++)
        {
            Assert.Equal(model.PointerMargin(data.Row(i)), (float)model.PredictRaw(data.Row(i)));
        }
    }

    [Fact]
    public void Predict_EnsembleDeeperThanCompleteLayoutLimit_UsesPointerWalkAndMatchesLibxgboost()
    {
        var data = SyntheticData.Create(4_000, 30, 0.2, binary: false, seed: 8);
        var json = ModelFixtures.Train(data, new XgbTrainingParameters { Objective = "reg:squarederror", MaxDepth = 14, MinChildWeight = 0, Rounds = 10, Threads = 1 });
        var model = TreeEnsemble.Load(json);
        var expected = ModelFixtures.OraclePredict(json, data, XgbPredictOptions.None);

        Assert.True(model.MaxDepth > 10, $"max depth {model.MaxDepth}");
        Assert.False(model.UsesCompleteLayout);
        for (var i = 0; i < data.Rows; i++)
        {
            AssertClose(expected[i], model.Predict(data.Row(i)), 1e-5, i);
        }
    }

    [Fact]
    public void Predict_RowOfAllMissingValues_FollowsDefaultDirectionsLikeLibxgboost()
    {
        var train = SyntheticData.Create(2_000, 20, 0.3, binary: true, seed: 5);
        var json = ModelFixtures.Train(train, new XgbTrainingParameters { MaxDepth = 5, Rounds = 50, Seed = 5, Threads = 1 });
        var model = TreeEnsemble.Load(json);
        var allMissing = new float[20];
        Array.Fill(allMissing, float.NaN);

        using var booster = XgbBooster.LoadModel(json);
        booster.SetParam("nthread", "1");
        var expected = new float[1];
        booster.InplacePredict(allMissing, 1, 20, expected);

        AssertClose(expected[0], model.Predict(allMissing), 1e-6, 0);
    }

    [Fact]
    public void Predict_FeatureVectorOfWrongLength_ThrowsNamingBothLengths()
    {
        var json = ModelFixtures.Train(SyntheticData.Create(500, 10, 0.1, true, 1), new XgbTrainingParameters { Rounds = 5, Threads = 1 });
        var model = TreeEnsemble.Load(json);

        var ex = Assert.Throws<ArgumentException>(() => model.Predict(new float[9]));

        Assert.Contains("9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("10", ex.Message, StringComparison.Ordinal);
    }

    internal static void AssertClose(double expected, double actual, double tolerance, int row)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
        {
            Assert.Fail($"row {row}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):E2} > {tolerance:E1})");
        }
    }
}
