using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;

namespace Scoring.Cli.Training;

/// <summary>A model trained by libxgboost and scored with the serving evaluator.</summary>
internal sealed record BoostedModel(byte[] ModelJson, XgbTrainingResult Result, TreeEnsemble Ensemble, XgbTrainingParameters Parameters)
{
    public static BoostedModel Train(XgbTrainingParameters parameters, Dataset train, Dataset validation, CancellationToken cancellationToken)
    {
        using var trainMatrix = XgbDMatrix.FromDense(train.Features, train.Rows, train.Columns);
        trainMatrix.SetLabels(train.Labels);
        using var validMatrix = XgbDMatrix.FromDense(validation.Features, validation.Rows, validation.Columns);
        validMatrix.SetLabels(validation.Labels);
        var result = XgbTrainer.Train(parameters, trainMatrix, validMatrix, cancellationToken);
        // Test scores come from the evaluator the service runs, not from libxgboost, so the
        // report measures what production will serve.
        return new BoostedModel(result.ModelJson, result, TreeEnsemble.Load(result.ModelJson), parameters);
    }

    public double[] Predict(Dataset data)
    {
        var scores = new double[data.Rows];
        for (var i = 0; i < data.Rows; i++)
        {
            scores[i] = Ensemble.Predict(data.Row(i));
        }

        return scores;
    }

    public static XgbTrainingParameters BinaryDefaults(int seed) => new()
    {
        Objective = "binary:logistic",
        MaxDepth = 5,
        Eta = 0.08,
        Rounds = 600,
        Subsample = 0.8,
        ColsampleByTree = 0.8,
        MinChildWeight = 5,
        Lambda = 1,
        Seed = seed,
        EarlyStoppingRounds = 30,
        EvalMetric = "logloss",
    };
}
