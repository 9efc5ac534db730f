using BenchmarkDotNet.Running;
using Scoring.Benchmarks.Features;

// `feature-read-latency ...` is a closed-loop latency probe (see load-tests/features/read-latency.sh);
// everything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == FeatureReadLatency.Command)
{
    return await FeatureReadLatency.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
