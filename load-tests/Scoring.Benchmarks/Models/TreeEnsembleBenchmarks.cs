using BenchmarkDotNet.Attributes;
using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;

namespace Scoring.Benchmarks.Models;

/// <summary>
/// Single-row scoring of a 300-tree, depth-6 binary:logistic model (40 features, ~20% missing), native evaluator
/// beside libxgboost in the same run. Budget: ≤ 5 µs per row, ≥ 10× faster than libxgboost single-row predict,
/// 0 bytes allocated for Predict and TreeShap.
/// </summary>
[MemoryDiagnoser]
public class TreeEnsembleBenchmarks
{
    private const int Features = 40;
    private const int RowCount = 1024;

    private float[] _rows = [];
    private TreeEnsemble _model = null!;
    private XgbBooster _booster = null!;
    private double[] _contributions = [];
    private TreeShapWorkspace _workspace = null!;
    private readonly float[] _nativeOut = new float[1];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(20261122);
        var train = Generate(rng, 5_000, out var labels);
        using var matrix = XgbDMatrix.FromDense(train, 5_000, Features);
        matrix.SetLabels(labels);
        var result = XgbTrainer.Train(new XgbTrainingParameters { MaxDepth = 6, Rounds = 300, Eta = 0.05, Subsample = 0.8, ColsampleByTree = 0.8, Seed = 7, Threads = 1 }, matrix);
        _model = TreeEnsemble.Load(result.ModelJson);
        _booster = XgbBooster.LoadModel(result.ModelJson);
        _booster.SetParam("nthread", "1");
        _rows = Generate(rng, RowCount, out _);
        _contributions = new double[Features + 1];
        _workspace = new TreeShapWorkspace(_model.MaxDepth);
    }

    [GlobalCleanup]
    public void Cleanup() => _booster.Dispose();

    [Benchmark(Baseline = true, Description = "native Predict (1 row)")]
    public double NativePredict() => _model.Predict(NextRow());

    [Benchmark(Description = "libxgboost PredictFromDense (1 row)")]
    public float XgboostInplacePredict()
    {
        _booster.InplacePredict(NextRow(), 1, Features, _nativeOut);
        return _nativeOut[0];
    }

    [Benchmark(Description = "libxgboost DMatrix + Predict (1 row)")]
    public float XgboostDMatrixPredict()
    {
        using var m = XgbDMatrix.FromDense(NextRow(), 1, Features);
        return _booster.Predict(m)[0];
    }

    [Benchmark(Description = "native TreeShap (1 row)")]
    public double NativeTreeShap()
    {
        _model.TreeShap(NextRow(), _contributions, _workspace);
        return _contributions[0];
    }

    private ReadOnlySpan<float> NextRow()
    {
        // Cycle through many rows so branch prediction cannot learn a single path.
        var i = _next++ & (RowCount - 1);
        return _rows.AsSpan(i * Features, Features);
    }

    private static float[] Generate(Random rng, int rows, out float[] labels)
    {
        var x = new float[rows * Features];
        labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            double score = 0;
            for (var c = 0; c < Features; c++)
            {
                var v = (float)((rng.NextDouble() * 2) - 1 + (rng.NextDouble() * 2) - 1);
                var missing = rng.NextDouble() < 0.2;
                x[(r * Features) + c] = missing ? float.NaN : v;
                score += missing ? 0.1 : v * Math.Sin(c + 1);
            }

            labels[r] = rng.NextDouble() < 1 / (1 + Math.Exp(-score)) ? 1 : 0;
        }

        return x;
    }
}
