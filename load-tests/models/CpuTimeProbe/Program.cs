using System.Diagnostics;
using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;

// Same model shape as load-tests/Scoring.Benchmarks/Models/TreeEnsembleBenchmarks: 300 trees, depth 6,
// binary:logistic, 40 features, ~20% missing. Reports process CPU time per operation next to wall time.
const int Features = 40;
var rng = new Random(20261122);
var train = Generate(rng, 5_000, out var labels);
using var matrix = XgbDMatrix.FromDense(train, 5_000, Features);
matrix.SetLabels(labels);
var result = XgbTrainer.Train(new XgbTrainingParameters { MaxDepth = 6, Rounds = 300, Eta = 0.05, Subsample = 0.8, ColsampleByTree = 0.8, Seed = 7, Threads = 1 }, matrix);
var model = TreeEnsemble.Load(result.ModelJson);
using var booster = XgbBooster.LoadModel(result.ModelJson);
booster.SetParam("nthread", "1");
var rows = Generate(rng, 1024, out _);
var output = new float[1];
var phi = new double[Features + 1];
double sink = 0;

Measure("native Predict", 100_000, i => sink += model.Predict(Row(i)));
Measure("libxgboost PredictFromDense", 5_000, i =>
{
    booster.InplacePredict(Row(i), 1, Features, output);
    sink += output[0];
});
Measure("libxgboost DMatrix + Predict", 5_000, i =>
{
    using var m = XgbDMatrix.FromDense(Row(i), 1, Features);
    sink += booster.Predict(m)[0];
});
Measure("native TreeShap", 500, i =>
{
    model.TreeShap(Row(i), phi);
    sink += phi[0];
});
Console.WriteLine($"trees {model.TreeCount}, max depth {model.MaxDepth}, checksum {sink:F3}");

ReadOnlySpan<float> Row(int i) => rows.AsSpan((i & 1023) * Features, Features);

static void Measure(string name, int n, Action<int> action)
{
    for (var i = 0; i < Math.Min(n, 1_000); i++)
    {
        action(i);
    }

    using var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < n; i++)
    {
        action(i);
    }

    process.Refresh();
    var cpu = process.TotalProcessorTime - cpu0;
    Console.WriteLine($"{name,-30} cpu {cpu.TotalMicroseconds / n,10:F2} us/op   wall {wall.Elapsed.TotalMicroseconds / n,10:F2} us/op");
}

static float[] Generate(Random rng, int rows, out float[] labels)
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
