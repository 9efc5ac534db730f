using BenchmarkDotNet.Attributes;
using Google.Protobuf.Collections;
using Scoring.Decisions;
using Scoring.V1;

namespace Scoring.Benchmarks.Decisions;

/// <summary>
/// The decision layer's per-request work for one customer over the shipped 18-offer
/// catalogue. Allocation budget (load-tests/RESULTS.md "## decisions"): Arbitrate, tier
/// and stage classification 0 B; building the API messages allocates only the messages
/// and their rendered texts.
/// </summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private static readonly string[] Names =
    [
        DecisionFeatures.DaysSinceLastTxn, DecisionFeatures.TxnCount90d, DecisionFeatures.TxnAmount90d,
        DecisionFeatures.AmountChange90d, DecisionFeatures.CountChange90d, DecisionFeatures.UnresolvedComplaints,
        DecisionFeatures.Complaints12m, DecisionFeatures.LatePayments12m, DecisionFeatures.Utilisation,
        DecisionFeatures.AppLogins30d, DecisionFeatures.DaysSinceLastAppLogin, DecisionFeatures.CashAdvances90d,
        DecisionFeatures.MonthsOnBook, DecisionFeatures.CardClosed, DecisionFeatures.ProductsHeld,
        DecisionFeatures.SpendShareFuel90d, DecisionFeatures.SpendShareDining90d, DecisionFeatures.SpendShareTravel90d,
        DecisionFeatures.SpendShareOnline90d,
    ];

    private readonly ArbitrationResult _result = new();
    private OfferCatalogue _catalogue = null!;
    private ReasonWriter _reasons = null!;
    private ValueAssessor _value = null!;
    private double[] _features = null!;
    private double[] _contributions = null!;
    private double[] _propensities = null!;
    private OfferContact[] _history = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var schema = new FeatureSchema(Names.Select(n => new FeatureDefinition(n, n.Replace('_', ' '))));
        _catalogue = OfferCatalogueLoader.Parse(File.ReadAllText(FindCatalogue()), schema);
        _reasons = new ReasonWriter(schema);
        _value = new ValueAssessor(schema, ValueTierCutPoints.Create(500, 2000, 10000));
        _features = [3, 40, 12000, 0.15, 0.02, 1, 1, 0, 0.6, 8, 2, 0, 36, 0, 3, 0.08, 0.15, 0.2, 0.3];
        _contributions = [.. Names.Select((_, i) => ((i * 7) % Names.Length) / 10.0 - 0.5), 0.1];
        _propensities = [.. _catalogue.Offers.Select((o, i) => o.PropensityModel is null ? double.NaN : 0.05 + (i % 5) * 0.04)];
        _now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.FromHours(8));
        _history =
        [
            new("points_bonus", OfferOutcomeKind.Shown, _now.AddDays(-3)),
            new("points_bonus", OfferOutcomeKind.Shown, _now.AddDays(-9)),
            new("points_bonus", OfferOutcomeKind.Declined, _now.AddDays(-9)),
            new("dining_cashback", OfferOutcomeKind.Shown, _now.AddDays(-2)),
            new("dining_cashback", OfferOutcomeKind.Accepted, _now.AddDays(-2)),
            new("bill_instalment", OfferOutcomeKind.Shown, _now.AddDays(-40)),
            new("credit_limit_increase", OfferOutcomeKind.Shown, _now.AddDays(-20)),
            new("fitness_pack", OfferOutcomeKind.Shown, _now.AddDays(-1)),
            new("fitness_pack", OfferOutcomeKind.Shown, _now.AddDays(-5)),
            new("double11_promotion", OfferOutcomeKind.Shown, _now.AddDays(-1)),
        ];
    }

    [Benchmark(Baseline = true, Description = "Arbitrate 18 offers")]
    public int Arbitrate()
    {
        OfferArbiter.Arbitrate(_catalogue, Request(), _result);
        return _result.Recommended.Length;
    }

    [Benchmark(Description = "Arbitrate + 3 OfferRecommendation messages")]
    public int ArbitrateToMessages()
    {
        OfferArbiter.Arbitrate(_catalogue, Request(), _result);
        var into = new RepeatedField<OfferRecommendation>();
        OfferArbiter.ToRecommendations(_catalogue, _result, _features, into);
        return into.Count;
    }

    [Benchmark(Description = "Tier + stage (no facts)")]
    public int TierAndStage() => (int)_value.ClassifyTier(4000, _features) + (int)_value.ClassifyStage(_features);

    [Benchmark(Description = "3 churn reasons as messages")]
    public int Reasons()
    {
        var into = new RepeatedField<Reason>();
        return _reasons.Write(_contributions, _features, 3, into);
    }

    private ArbitrationRequest Request() => new()
    {
        Features = _features,
        Channel = Channel.MobileApp,
        Tier = ValueTier.Potential,
        Stage = LifecycleStage.Growing,
        Band = RiskBand.Medium,
        Propensities = _propensities,
        History = _history,
        Now = _now,
        MaxOffers = 3,
    };

    private static string FindCatalogue()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "offers.json");
        if (File.Exists(local))
        {
            return local;
        }

        // BenchmarkDotNet runs from a generated project; walk up to the repository's copy.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Scoring.Decisions", "offers.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("offers.json not found next to the benchmark or under src/Scoring.Decisions");
    }
}
