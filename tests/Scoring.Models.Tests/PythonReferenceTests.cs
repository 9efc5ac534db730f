using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Scoring.Models.Evaluator;

namespace Scoring.Models.Tests;

/// <summary>Models trained and scored by python3-xgboost: a second oracle that does not go through our P/Invoke.</summary>
public sealed class PythonReferenceTests
{
    [Theory]
    [InlineData("binary:logistic", 41)]
    [InlineData("reg:squarederror", 42)]
    public async Task Load_ModelSavedByPythonXgboost_ReproducesItsPredictionsAndContributions(string objective, int seed)
    {
        var dir = Directory.CreateTempSubdirectory("py-xgb-").FullName;
        try
        {
            await RunPythonAsync(dir, objective, seed);
            var shape = (await File.ReadAllTextAsync(Path.Combine(dir, "shape.txt"))).Split(' ').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var (rows, cols) = (shape[0], shape[1]);
            var x = ReadFloats(Path.Combine(dir, "x.f32"));
            var pred = ReadFloats(Path.Combine(dir, "pred.f32"));
            var contribs = ReadFloats(Path.Combine(dir, "contribs.f32"));

            var model = TreeEnsemble.LoadFile(Path.Combine(dir, "model.json"));

            Assert.Equal(cols, model.NumFeatures);
            Assert.Equal(objective, model.Objective);
            Assert.Equal(Enumerable.Range(0, cols).Select(i => $"f_{i}"), model.FeatureNames);
            var phi = new double[cols + 1];
            for (var i = 0; i < rows; i++)
            {
                var row = x.AsSpan(i * cols, cols);
                TreeEnsembleParityTests.AssertClose(pred[i], model.Predict(row), 1e-6, i);
                model.TreeShap(row, phi);
                for (var c = 0; c <= cols; c++)
                {
                    TreeEnsembleParityTests.AssertClose(contribs[(i * (cols + 1)) + c], phi[c], 1e-5, i);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static float[] ReadFloats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    private static async Task RunPythonAsync(string dir, string objective, int seed)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Python", "train_reference.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, dir, objective, seed.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            Assert.Fail($"python3 train_reference.py exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
