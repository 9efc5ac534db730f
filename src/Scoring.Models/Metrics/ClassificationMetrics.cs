namespace Scoring.Models.Metrics;

/// <summary>One equal-count bin of predictions, lowest scores first (calibration table).</summary>
public sealed record CalibrationBin(int Bin, int Count, double MinPredicted, double MaxPredicted, double MeanPredicted, double ObservedRate);

/// <summary>One equal-count bin, highest scores first (lift and cumulative gain table).</summary>
public sealed record LiftBin(int Bin, int Count, int Positives, double Rate, double Lift, double CumulativeGain, double CumulativeLift);

/// <summary>Metrics for binary classifiers: labels are 0 or 1, scores higher for the positive class.</summary>
public static class ClassificationMetrics
{
    /// <summary>Area under the ROC curve by the rank-sum (Mann-Whitney) formula; tied scores get their average rank.</summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        Check(scores, labels, out var positives);
        var negatives = scores.Length - positives;
        RequireBothClasses(positives, negatives);
        var order = Ascending(scores);
        double rankSumPositives = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            // Ranks i+1..j+1 shared by the tie group.
            var averageRank = ((i + 1) + (j + 1)) / 2.0;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]] == 1)
                {
                    rankSumPositives += averageRank;
                }
            }

            i = j + 1;
        }

        return (rankSumPositives - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// Area under the precision-recall curve as average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct score thresholds,
    /// highest first (tied scores enter together).
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        Check(scores, labels, out var positives);
        if (positives == 0)
        {
            throw new ArgumentException("labels contain no positive example; average precision is undefined.", nameof(labels));
        }

        var order = Ascending(scores);
        double ap = 0;
        var truePositives = 0;
        var seen = 0;
        double previousRecall = 0;
        for (var i = order.Length - 1; i >= 0;)
        {
            var j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]])
            {
                j--;
            }

            for (var k = j; k <= i; k++)
            {
                truePositives += labels[order[k]] == 1 ? 1 : 0;
                seen++;
            }

            var recall = truePositives / (double)positives;
            var precision = truePositives / (double)seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j - 1;
        }

        return ap;
    }

    /// <summary>Mean negative log-likelihood; probabilities are clipped to [eps, 1 − eps].</summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double eps = 1e-15)
    {
        Check(probabilities, labels, out _);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], eps, 1 - eps);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }

    /// <summary>Calibration table: equal-count bins (deciles by default) of predicted probability, lowest first.</summary>
    public static IReadOnlyList<CalibrationBin> Calibration(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, int bins = 10)
    {
        Check(probabilities, labels, out _);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        var order = Ascending(probabilities);
        var result = new List<CalibrationBin>(bins);
        foreach (var (b, start, end) in Bins(order.Length, bins))
        {
            double sumP = 0;
            var pos = 0;
            for (var k = start; k < end; k++)
            {
                sumP += probabilities[order[k]];
                pos += labels[order[k]] == 1 ? 1 : 0;
            }

            var n = end - start;
            result.Add(new CalibrationBin(b + 1, n, probabilities[order[start]], probabilities[order[end - 1]], sumP / n, pos / (double)n));
        }

        return result;
    }

    /// <summary>Lift and cumulative gain by equal-count bins (deciles by default), highest scores first.</summary>
    public static IReadOnlyList<LiftBin> Lift(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels, int bins = 10)
    {
        Check(scores, labels, out var positives);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (positives == 0)
        {
            throw new ArgumentException("labels contain no positive example; lift is undefined.", nameof(labels));
        }

        var order = Ascending(scores);
        Array.Reverse(order);
        var overall = positives / (double)scores.Length;
        var result = new List<LiftBin>(bins);
        var cumulativePositives = 0;
        foreach (var (b, start, end) in Bins(order.Length, bins))
        {
            var pos = 0;
            for (var k = start; k < end; k++)
            {
                pos += labels[order[k]] == 1 ? 1 : 0;
            }

            cumulativePositives += pos;
            var n = end - start;
            var rate = pos / (double)n;
            result.Add(new LiftBin(b + 1, n, pos, rate, rate / overall, cumulativePositives / (double)positives, cumulativePositives / (double)end / overall));
        }

        return result;
    }

    /// <summary>Indices sorted by ascending score; equal scores keep index order, so results are deterministic.</summary>
    internal static int[] Ascending(ReadOnlySpan<double> scores)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);

        // Array.Sort is unstable; restore index order inside runs of equal scores.
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && keys[j + 1] == keys[i])
            {
                j++;
            }

            Array.Sort(order, i, j - i + 1);
            i = j + 1;
        }

        return order;
    }

    private static IEnumerable<(int Bin, int Start, int End)> Bins(int n, int bins)
    {
        var count = Math.Min(bins, n);
        for (var b = 0; b < count; b++)
        {
            yield return (b, (int)((long)b * n / count), (int)((long)(b + 1) * n / count));
        }
    }

    private static void Check(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels, out int positives)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"scores has {scores.Length} values but labels has {labels.Length}.", nameof(labels));
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("scores is empty.", nameof(scores));
        }

        positives = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0 or 1))
            {
                throw new ArgumentException($"labels[{i}] is {labels[i]}; binary labels must be 0 or 1.", nameof(labels));
            }

            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"scores[{i}] is NaN.", nameof(scores));
            }

            positives += labels[i] == 1 ? 1 : 0;
        }
    }

    private static void RequireBothClasses(int positives, int negatives)
    {
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException($"ROC AUC needs both classes; labels have {positives} positives and {negatives} negatives.", "labels");
        }
    }
}
