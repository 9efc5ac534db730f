namespace Scoring.Models.Metrics;

/// <summary>Metrics for regression models (e.g. the 12-month value model).</summary>
public static class RegressionMetrics
{
    public static double Rmse(ReadOnlySpan<double> predictions, ReadOnlySpan<float> targets)
    {
        Check(predictions, targets);
        double sum = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            var d = predictions[i] - targets[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / predictions.Length);
    }

    public static double Mae(ReadOnlySpan<double> predictions, ReadOnlySpan<float> targets)
    {
        Check(predictions, targets);
        double sum = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            sum += Math.Abs(predictions[i] - targets[i]);
        }

        return sum / predictions.Length;
    }

    /// <summary>Coefficient of determination 1 − SS_res / SS_tot; undefined (NaN) when the targets are constant.</summary>
    public static double R2(ReadOnlySpan<double> predictions, ReadOnlySpan<float> targets)
    {
        Check(predictions, targets);
        double mean = 0;
        foreach (var t in targets)
        {
            mean += t;
        }

        mean /= targets.Length;
        double ssRes = 0;
        double ssTot = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            ssRes += (targets[i] - predictions[i]) * (targets[i] - predictions[i]);
            ssTot += (targets[i] - mean) * (targets[i] - mean);
        }

        return ssTot == 0 ? double.NaN : 1 - (ssRes / ssTot);
    }

    private static void Check(ReadOnlySpan<double> predictions, ReadOnlySpan<float> targets)
    {
        if (predictions.Length != targets.Length)
        {
            throw new ArgumentException($"predictions has {predictions.Length} values but targets has {targets.Length}.", nameof(targets));
        }

        if (predictions.IsEmpty)
        {
            throw new ArgumentException("predictions is empty.", nameof(predictions));
        }
    }
}
