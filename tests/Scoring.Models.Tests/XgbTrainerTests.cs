using System.Text.Json;
using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;

namespace Scoring.Models.Tests;

public sealed class XgbTrainerTests
{
    [Fact]
    public void Train_WithoutValidation_ReturnsJsonModelWithAllRounds()
    {
        var data = SyntheticData.Create(1_000, 12, 0.2, binary: true, seed: 21);

        using var train = XgbDMatrix.FromDense(data.X, data.Rows, data.Columns);
        train.SetLabels(data.Labels);
        var result = XgbTrainer.Train(new XgbTrainingParameters { MaxDepth = 3, Rounds = 25, Threads = 1, Seed = 1 }, train);

        using var doc = JsonDocument.Parse(result.ModelJson);
        var learner = doc.RootElement.GetProperty("learner");
        Assert.Equal("binary:logistic", learner.GetProperty("objective").GetProperty("name").GetString());
        Assert.Equal(25, learner.GetProperty("gradient_booster").GetProperty("model").GetProperty("trees").GetArrayLength());
        Assert.Equal(25, result.Rounds);
        Assert.Equal(24, result.BestRound);
        Assert.Empty(result.History);
        Assert.Contains("\"max_depth\":\"3\"", result.ConfigJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_WithEarlyStopping_KeepsOnlyRoundsUpToTheBestValidationScore()
    {
        // Small, noisy data and a high learning rate overfit quickly, so validation logloss turns up.
        var data = SyntheticData.Create(400, 20, 0.2, binary: true, seed: 22);
        var valid = SyntheticData.Create(400, 20, 0.2, binary: true, seed: 23);
        using var train = XgbDMatrix.FromDense(data.X, data.Rows, data.Columns);
        train.SetLabels(data.Labels);
        using var validation = XgbDMatrix.FromDense(valid.X, valid.Rows, valid.Columns);
        validation.SetLabels(valid.Labels);

        var result = XgbTrainer.Train(new XgbTrainingParameters { MaxDepth = 6, Eta = 0.5, Rounds = 200, EarlyStoppingRounds = 5, Threads = 1, EvalMetric = "logloss" }, train, validation);

        Assert.True(result.Rounds < 200, $"expected early stop, trained {result.Rounds}");
        Assert.Equal(result.BestRound + 1, result.Rounds);
        Assert.Equal(result.BestRound + 6, result.History.Count);
        var best = result.History.MinBy(h => h.Value);
        Assert.Equal(result.BestRound, best.Round);
        Assert.All(result.History, h => Assert.Equal("logloss", h.Metric));
        Assert.Equal(result.Rounds, TreeEnsemble.Load(result.ModelJson).TreeCount);
    }

    [Theory]
    [InlineData("multi:softprob", "Objective")]
    [InlineData("binary:logistic", "MaxDepth")]
    public void Validate_InvalidParameter_ThrowsNamingTheParameter(string objective, string field)
    {
        var parameters = new XgbTrainingParameters { Objective = objective, MaxDepth = field == "MaxDepth" ? 0 : 6 };

        var ex = Assert.Throws<ArgumentException>(parameters.Validate);

        Assert.StartsWith(field, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[7]\tvalid-logloss:0.51234", "logloss", 0.51234)]
    [InlineData("[0]\tvalid-error:0.2\tvalid-auc:0.75", "auc", 0.75)]
    [InlineData("[3]\tvalid-rmse:1e-3", "rmse", 0.001)]
    public void ParseLastMetric_EvalOneIterText_ReturnsLastMetricAndValue(string text, string metric, double value)
    {
        var e = XgbTrainer.ParseLastMetric(4, text);

        Assert.Equal(new XgbEvaluation(4, metric, value), e);
    }

    [Fact]
    public void SetParam_UnknownObjective_ThrowsXGBoostExceptionWithNativeMessage()
    {
        var data = SyntheticData.Create(50, 6, 0, binary: true, seed: 1);
        using var m = XgbDMatrix.FromDense(data.X, data.Rows, data.Columns);
        m.SetLabels(data.Labels);
        using var booster = XgbBooster.Create(m);
        booster.SetParam("objective", "no:such");

        var ex = Assert.Throws<XGBoostException>(() => booster.UpdateOneIter(0, m));

        Assert.Contains("no:such", ex.Message, StringComparison.Ordinal);
        Assert.Equal("XGBoosterUpdateOneIter", ex.Call);
    }

    [Fact]
    public void SaveModel_JsonFile_LoadsBackWithSamePredictions()
    {
        var data = SyntheticData.Create(500, 8, 0.1, binary: false, seed: 3);
        using var m = XgbDMatrix.FromDense(data.X, data.Rows, data.Columns);
        m.SetLabels(data.Labels);
        using var booster = XgbBooster.Create(m);
        booster.SetParam("objective", "reg:squarederror");
        booster.SetParam("nthread", "1");
        for (var i = 0; i < 10; i++)
        {
            booster.UpdateOneIter(i, m);
        }

        var path = Path.Combine(Path.GetTempPath(), $"xgb-{Guid.NewGuid():N}.json");
        try
        {
            booster.SaveModel(path);
            using var loaded = XgbBooster.LoadModel(path);
            loaded.SetParam("nthread", "1");

            Assert.Equal(10, loaded.BoostedRounds);
            Assert.Equal(8, loaded.NumFeatures);
            Assert.Equal(booster.Predict(m), loaded.Predict(m));
            Assert.Equal(TreeEnsemble.LoadFile(path).TreeCount, TreeEnsemble.Load(booster.SaveModelJson()).TreeCount);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
