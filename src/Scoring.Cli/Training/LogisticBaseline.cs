namespace Scoring.Cli.Training;

/// <summary>
/// The baseline every model is compared with: logistic regression on standardised features
/// (missing values imputed with the training mean), fitted by full-batch gradient descent
/// with a small L2 penalty. Deliberately simple: a model that cannot beat it is not worth
/// shipping.
/// </summary>
internal sealed class LogisticBaseline
{
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _weights;
    private double _bias;

    private LogisticBaseline(int columns)
    {
        _mean = new double[columns];
        _scale = new double[columns];
        _weights = new double[columns];
    }

    public IReadOnlyList<double> Weights => _weights;

    public static LogisticBaseline Fit(Dataset data, int iterations = 300, double learningRate = 0.5, double l2 = 1e-3)
    {
        var model = new LogisticBaseline(data.Columns);
        model.Standardisation(data);
        var x = model.Transform(data);
        var n = data.Rows;
        var m = data.Columns;
        var positiveRate = Math.Clamp(data.PositiveRate, 1e-6, 1 - 1e-6);
        model._bias = Math.Log(positiveRate / (1 - positiveRate));
        var gradient = new double[m];
        for (var it = 0; it < iterations; it++)
        {
            Array.Clear(gradient);
            var gradientBias = 0.0;
            for (var i = 0; i < n; i++)
            {
                var row = x.AsSpan(i * m, m);
                var error = Sigmoid(model.Linear(row)) - data.Labels[i];
                gradientBias += error;
                for (var j = 0; j < m; j++)
                {
                    gradient[j] += error * row[j];
                }
            }

            model._bias -= learningRate * gradientBias / n;
            for (var j = 0; j < m; j++)
            {
                model._weights[j] -= learningRate * ((gradient[j] / n) + (l2 * model._weights[j]));
            }
        }

        return model;
    }

    public double[] Predict(Dataset data)
    {
        var x = Transform(data);
        var scores = new double[data.Rows];
        for (var i = 0; i < data.Rows; i++)
        {
            scores[i] = Sigmoid(Linear(x.AsSpan(i * data.Columns, data.Columns)));
        }

        return scores;
    }

    private void Standardisation(Dataset data)
    {
        for (var j = 0; j < data.Columns; j++)
        {
            double sum = 0, sumSq = 0;
            var count = 0;
            for (var i = 0; i < data.Rows; i++)
            {
                var v = data.Features[(i * data.Columns) + j];
                if (!float.IsNaN(v))
                {
                    sum += v;
                    sumSq += (double)v * v;
                    count++;
                }
            }

            var mean = count == 0 ? 0 : sum / count;
            var variance = count == 0 ? 0 : Math.Max(0, (sumSq / count) - (mean * mean));
            _mean[j] = mean;
            _scale[j] = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        }
    }

    private double[] Transform(Dataset data)
    {
        var x = new double[data.Rows * data.Columns];
        for (var i = 0; i < data.Rows; i++)
        {
            for (var j = 0; j < data.Columns; j++)
            {
                var v = data.Features[(i * data.Columns) + j];
                // Clip at ±8 sd so a heavy-tailed amount cannot dominate the gradient.
                x[(i * data.Columns) + j] = float.IsNaN(v) ? 0 : Math.Clamp((v - _mean[j]) / _scale[j], -8, 8);
            }
        }

        return x;
    }

    private double Linear(ReadOnlySpan<double> row)
    {
        var z = _bias;
        for (var j = 0; j < row.Length; j++)
        {
            z += _weights[j] * row[j];
        }

        return z;
    }

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}
