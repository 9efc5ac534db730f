// Host is referenced under an alias: its public Program class would clash with ours.
extern alias host;

using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scoring.Benchmarks.Features;
using Scoring.Features;
using host::Scoring.Host.Configuration;
using host::Scoring.Host.Infrastructure;
using host::Scoring.Host.Models;
using host::Scoring.Host.Serving;
using Scoring.V1;

namespace Scoring.Benchmarks.Serving;

/// <summary>
/// The CPU part of one GetScores answer after the state is read: features at read time, the
/// shipped churn (TreeSHAP reasons), value and offer models, and offer arbitration over the
/// shipped catalogue. The answer message itself is what remains allocated.
/// </summary>
[MemoryDiagnoser]
public class CustomerScorerBenchmarks
{
    private CustomerScorer _scorer = null!;
    private CustomerState _state = null!;
    private float[] _features = null!;
    private DateTimeOffset _asOf;
    private ScoreRequest _all;
    private ScoreRequest _churn;
    private ScoreRequest _reasons;
    private ScoreRequest _noReasons;
    private ScoreRequest _value;

    // Synchronous entry point: the in-process toolchain does not await an async GlobalSetup
    // (seen as a null scorer in the first workload); harness code only.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var registry = new ModelRegistry(Options.Create(new ModelsOptions()), NullLogger<ModelRegistry>.Instance);
        await registry.StartAsync(CancellationToken.None);
        var catalogue = new OfferCatalogueService(Options.Create(new OffersOptions()), NullLogger<OfferCatalogueService>.Instance);
        await catalogue.StartAsync(CancellationToken.None);
        _scorer = new CustomerScorer(registry, catalogue);
        _state = FeatureBenchmarkData.TypicalYearState();
        _asOf = FeatureBenchmarkData.End.AddDays(1);
        _features = _state.ComputeFeatures(_asOf);
        _all = ScoreRequest.Parse(Channel.MobileApp, [], 0, 0);
        _churn = ScoreRequest.Parse(Channel.MobileApp, [ScorePart.Churn], 0, 0);
        _reasons = ScoreRequest.Parse(Channel.MobileApp, [ScorePart.Reasons], 0, 0);
        _noReasons = ScoreRequest.Parse(Channel.MobileApp, [ScorePart.Churn, ScorePart.Value, ScorePart.Offers], 0, 0);
        _value = ScoreRequest.Parse(Channel.MobileApp, [ScorePart.Value], 0, 0);
        var answer = _scorer.Score("bench-1", _state, _asOf, _all);
        if (answer.Churn.Reasons.Count == 0 || answer.Value is null || answer.Offers.Count == 0)
        {
            throw new InvalidOperationException($"The benchmark customer should get reasons, a value and offers: {answer}");
        }
    }

    [Benchmark(Baseline = true, Description = "GetScores answer, all parts (features, churn + 3 reasons, value, offers)")]
    public CustomerScores ScoreAll() => _scorer.Score("bench-1", _state, _asOf, _all);

    [Benchmark(Description = "GetScores answer, churn + value + offers (no reasons)")]
    public CustomerScores ScoreNoReasons() => _scorer.Score("bench-1", _state, _asOf, _noReasons);

    [Benchmark(Description = "GetScores answer, value and lifecycle only")]
    public CustomerScores ScoreValue() => _scorer.Score("bench-1", _state, _asOf, _value);

    [Benchmark(Description = "features at read time from the state")]
    public float[] Features() => _state.ComputeFeatures(_asOf);

    [Benchmark(Description = "GetScores answer, churn only")]
    public CustomerScores ScoreChurn() => _scorer.Score("bench-1", _state, _asOf, _churn);

    [Benchmark(Description = "GetScores answer, churn + 3 reasons")]
    public CustomerScores ScoreReasons() => _scorer.Score("bench-1", _state, _asOf, _reasons);

    [Benchmark(Description = "WatchRisk band of a feature vector (churn model only)")]
    public RiskBand Band() => _scorer.Churn(_features).Band;
}
