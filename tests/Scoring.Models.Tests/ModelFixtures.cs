using Scoring.Models.Xgb;

namespace Scoring.Models.Tests;

/// <summary>Trains models through libxgboost for the tests.</summary>
internal static class ModelFixtures
{
    public static byte[] Train(SyntheticData data, XgbTrainingParameters parameters)
    {
        using var train = XgbDMatrix.FromDense(data.X, data.Rows, data.Columns);
        train.SetLabels(data.Labels);
        return XgbTrainer.Train(parameters, train).ModelJson;
    }

    /// <summary>libxgboost's own prediction for every row: the oracle the evaluator must match.</summary>
    public static float[] OraclePredict(byte[] modelJson, SyntheticData data, XgbPredictOptions options)
    {
        using var booster = XgbBooster.LoadModel(modelJson);

        // One OpenMP thread: on a shared, loaded 2-core machine OpenMP barriers make more threads far slower.
        booster.SetParam("nthread", "1");
        using var matrix = XgbDMatrix.FromDense(data.X, data.Rows, data.Columns);
        return booster.Predict(matrix, options);
    }
}
