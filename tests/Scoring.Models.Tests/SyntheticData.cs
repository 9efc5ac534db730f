namespace Scoring.Models.Tests;

/// <summary>Seeded tabular data with missing cells, shaped like card-customer features.</summary>
internal sealed class SyntheticData
{
    private SyntheticData(float[] x, float[] labels, int rows, int columns)
    {
        X = x;
        Labels = labels;
        Rows = rows;
        Columns = columns;
    }

    public float[] X { get; }

    public float[] Labels { get; }

    public int Rows { get; }

    public int Columns { get; }

    public ReadOnlySpan<float> Row(int i) => X.AsSpan(i * Columns, Columns);

    /// <summary>
    /// Features are normal, some integer-valued (like counts), a fraction set to NaN. The label depends
    /// non-linearly on a few features and on whether some are missing, so trees use default_left.
    /// </summary>
    public static SyntheticData Create(int rows, int columns, double missingFraction, bool binary, int seed, bool positive = false)
    {
        var rng = new Random(seed);
        var x = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var v = Normal(rng);
                if (c % 5 == 4)
                {
                    v = Math.Round(Math.Abs(v) * 4);
                }

                x[(r * columns) + c] = rng.NextDouble() < missingFraction ? float.NaN : (float)v;
            }

            var row = x.AsSpan(r * columns, columns);
            var score = (1.2 * Val(row[0])) - (0.8 * Val(row[1]) * Val(row[2])) + (0.5 * Math.Sin(3 * Val(row[3])))
                + (float.IsNaN(row[4]) ? 0.7 : -0.1 * row[4]) + (0.3 * Val(row[5] > 0.5f ? 1 : 0)) + (0.4 * Normal(rng));
            labels[r] = binary ? (rng.NextDouble() < 1 / (1 + Math.Exp(-score)) ? 1f : 0f)
                : positive ? (float)Math.Exp(score / 2) : (float)(score + 3);
        }

        return new SyntheticData(x, labels, rows, columns);
    }

    private static double Val(float v) => float.IsNaN(v) ? 0 : v;

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
