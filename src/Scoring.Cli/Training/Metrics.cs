namespace Scoring.Cli.Training;

/// <summary>One row of the calibration table: predictions in [Low, High).</summary>
internal sealed record CalibrationBin(double Low, double High, int Count, double MeanPredicted, double ObservedRate);

/// <summary>One decile of the lift/gain table, highest scores first.</summary>
internal sealed record DecileRow(int Decile, int Count, int Positives, double Rate, double Lift, double CumulativeGain);

/// <summary>Held-out quality of a binary classifier.</summary>
internal sealed record BinaryMetrics(
    int Count,
    int Positives,
    double RocAuc,
    double PrAuc,
    double LogLoss,
    double Brier,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<DecileRow> Deciles,
    IReadOnlyList<(double Fpr, double Tpr)> RocCurve,
    IReadOnlyList<(double Recall, double Precision)> PrCurve);

/// <summary>Evaluation metrics computed from scores and 0/1 labels (ties handled exactly).</summary>
internal static class Metrics
{
    public static BinaryMetrics Evaluate(ReadOnlySpan<float> labels, ReadOnlySpan<double> scores)
    {
        if (labels.Length != scores.Length)
        {
            throw new ArgumentException($"labels ({labels.Length}) and scores ({scores.Length}) differ in length.");
        }

        var n = labels.Length;
        var order = Enumerable.Range(0, n).ToArray();
        var s = scores.ToArray();
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a])); // descending score
        var positives = 0;
        foreach (var l in labels)
        {
            positives += l > 0.5f ? 1 : 0;
        }

        var negatives = n - positives;
        var roc = new List<(double, double)> { (0, 0) };
        var pr = new List<(double, double)>();
        double auc = 0, ap = 0;
        int tp = 0, fp = 0;
        var prevTpr = 0.0;
        var prevFpr = 0.0;
        var prevRecall = 0.0;
        for (var i = 0; i < n;)
        {
            // Consume a whole group of tied scores at once: ties count as half (trapezoid).
            var j = i;
            while (j < n && s[order[j]] == s[order[i]])
            {
                if (labels[order[j]] > 0.5f)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                j++;
            }

            var tpr = positives == 0 ? 0 : tp / (double)positives;
            var fpr = negatives == 0 ? 0 : fp / (double)negatives;
            auc += (fpr - prevFpr) * (tpr + prevTpr) / 2;
            var precision = tp / (double)(tp + fp);
            var recall = tpr;
            ap += (recall - prevRecall) * precision;
            roc.Add((fpr, tpr));
            pr.Add((recall, precision));
            prevTpr = tpr;
            prevFpr = fpr;
            prevRecall = recall;
            i = j;
        }

        double logLoss = 0, brier = 0;
        for (var i = 0; i < n; i++)
        {
            var p = Math.Clamp(scores[i], 1e-15, 1 - 1e-15);
            var y = labels[i] > 0.5f ? 1.0 : 0.0;
            logLoss -= (y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p));
            brier += (p - y) * (p - y);
        }

        return new BinaryMetrics(
            n,
            positives,
            positives == 0 || negatives == 0 ? double.NaN : auc,
            positives == 0 ? double.NaN : ap,
            n == 0 ? double.NaN : logLoss / n,
            n == 0 ? double.NaN : brier / n,
            Calibration(labels, scores),
            Deciles(labels, order, positives),
            Thin(roc, 400),
            Thin(pr, 400));
    }

    private static List<CalibrationBin> Calibration(ReadOnlySpan<float> labels, ReadOnlySpan<double> scores)
    {
        const int Bins = 10;
        var count = new int[Bins];
        var sumP = new double[Bins];
        var sumY = new double[Bins];
        for (var i = 0; i < labels.Length; i++)
        {
            var b = Math.Clamp((int)(scores[i] * Bins), 0, Bins - 1);
            count[b]++;
            sumP[b] += scores[i];
            sumY[b] += labels[i] > 0.5f ? 1 : 0;
        }

        var bins = new List<CalibrationBin>();
        for (var b = 0; b < Bins; b++)
        {
            if (count[b] > 0)
            {
                bins.Add(new CalibrationBin(b / (double)Bins, (b + 1) / (double)Bins, count[b], sumP[b] / count[b], sumY[b] / count[b]));
            }
        }

        return bins;
    }

    private static List<DecileRow> Deciles(ReadOnlySpan<float> labels, int[] order, int positives)
    {
        var rows = new List<DecileRow>();
        var n = order.Length;
        var baseRate = n == 0 ? 0 : positives / (double)n;
        var cumulative = 0;
        for (var d = 0; d < 10; d++)
        {
            var from = d * n / 10;
            var to = (d + 1) * n / 10;
            var pos = 0;
            for (var i = from; i < to; i++)
            {
                pos += labels[order[i]] > 0.5f ? 1 : 0;
            }

            cumulative += pos;
            var count = to - from;
            var rate = count == 0 ? 0 : pos / (double)count;
            rows.Add(new DecileRow(d + 1, count, pos, rate, baseRate == 0 ? 0 : rate / baseRate, positives == 0 ? 0 : cumulative / (double)positives));
        }

        return rows;
    }

    private static List<(double, double)> Thin(List<(double, double)> points, int max)
    {
        if (points.Count <= max)
        {
            return points;
        }

        var step = points.Count / (double)max;
        var thinned = new List<(double, double)>();
        for (var i = 0.0; i < points.Count; i += step)
        {
            thinned.Add(points[(int)i]);
        }

        thinned.Add(points[^1]);
        return thinned;
    }
}
