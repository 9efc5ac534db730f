using Google.Protobuf.Collections;
using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;
using Scoring.V1;

namespace Scoring.Decisions.Tests;

/// <summary>Reasons from real TreeSHAP contributions: a churn model trained by libxgboost on
/// rows where idleness and unresolved complaints cause churn, evaluated by TreeEnsemble.</summary>
public sealed class ChurnReasonsFromModelTests
{
    private static readonly string[] ModelFeatures =
    [
        DecisionFeatures.Utilisation,
        DecisionFeatures.DaysSinceLastTxn,
        DecisionFeatures.AppLogins30d,
        DecisionFeatures.UnresolvedComplaints,
    ];

    private static readonly Lazy<TreeEnsemble> Model = new(Train);

    [Fact]
    public void Write_IdleCustomerWithOpenComplaints_ReasonsNameTheCausesInPlainWords()
    {
        float[] customer = [0.3f, 120f, 10f, 2f];
        var contributions = new double[ModelFeatures.Length + 1];
        Model.Value.TreeShap(customer, contributions);

        var reasons = new RepeatedField<Reason>();
        new ReasonWriter(FeatureSchema.FromNames(ModelFeatures)).Write(contributions, customer, 2, reasons);

        Assert.Equal(
            new Dictionary<string, string>
            {
                [DecisionFeatures.DaysSinceLastTxn] = "no card use for 120 days",
                [DecisionFeatures.UnresolvedComplaints] = "2 complaints still unresolved",
            },
            reasons.ToDictionary(r => r.Code, r => r.Text));
        Assert.True(reasons[0].Contribution >= reasons[1].Contribution);
        Assert.All(reasons, r => Assert.True(r.Contribution > 0));
    }

    [Fact]
    public void Write_ActiveCustomerWithIdlenessMissing_NeverReasonsOnTheMissingValue()
    {
        float[] customer = [0.3f, float.NaN, 10f, 3f];
        var contributions = new double[ModelFeatures.Length + 1];
        Model.Value.TreeShap(customer, contributions);

        var reasons = new RepeatedField<Reason>();
        new ReasonWriter(FeatureSchema.FromNames(ModelFeatures)).Write(contributions, customer, 3, reasons);

        Assert.DoesNotContain(reasons, r => r.Code == DecisionFeatures.DaysSinceLastTxn);
        Assert.Equal("3 complaints still unresolved", reasons[0].Text);
    }

    private static TreeEnsemble Train()
    {
        const int rows = 2_000;
        var random = new Random(20261122);
        var data = new float[rows * ModelFeatures.Length];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var utilisation = (float)random.NextDouble();
            var days = (float)random.Next(0, 200);
            var logins = (float)random.Next(0, 20);
            var complaints = (float)random.Next(0, 4);
            data[(i * 4) + 0] = utilisation;
            data[(i * 4) + 1] = days;
            data[(i * 4) + 2] = logins;
            data[(i * 4) + 3] = complaints;
            var churn = days > 90 || complaints >= 2;
            labels[i] = (churn ^ (random.NextDouble() < 0.03)) ? 1f : 0f;
        }

        using var matrix = XgbDMatrix.FromDense(data, rows, ModelFeatures.Length);
        matrix.SetLabels(labels);
        var result = XgbTrainer.Train(new XgbTrainingParameters { MaxDepth = 3, Rounds = 30, Seed = 1, Threads = 1 }, matrix);
        return TreeEnsemble.Load(result.ModelJson);
    }
}
