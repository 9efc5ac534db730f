using BenchmarkDotNet.Attributes;
using Google.Protobuf.Collections;
using Scoring.Decisions;
using Scoring.Features;
using Scoring.V1;

namespace Scoring.Benchmarks.Decisions;

/// <summary>
/// The decision layer's per-request work for one customer over the shipped 18-offer
/// catalogue, with features and offer histories from a real CustomerState. Allocation budget (load-tests/RESULTS.md "## decisions"): Arbitrate, tier
/// and stage classification 0 B; building the API messages allocates only the messages
/// and their rendered texts.
/// </summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private readonly ArbitrationResult _result = new();
    private OfferCatalogue _catalogue = null!;
    private ReasonWriter _reasons = null!;
    private ValueAssessor _value = null!;
    private float[] _features = null!;
    private double[] _contributions = null!;
    private float[] _modelFeatures = null!;
    private double[] _propensities = null!;
    private OfferContactHistory?[] _history = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var schema = FeatureSchema.Catalogue;
        _catalogue = OfferCatalogueLoader.Parse(File.ReadAllText(FindCatalogue()), schema);
        _value = new ValueAssessor(schema, ValueTierCutPoints.Create(500, 2000, 10000));
        _now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.FromHours(8));

        // A real customer state fed offer outcomes and spending, as ingestion would.
        var events = new List<Event>();
        void Apply(Event e) => events.Add(e);

        for (var d = 120; d >= 1; d -= 3)
        {
            Apply(new Event
            {
                EventTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_now.AddDays(-d)),
                Transaction = new Transaction
                {
                    Kind = TransactionKind.Purchase, Amount = 180 + d, Currency = "CNY", Online = d % 2 == 0,
                    MerchantCategory = d % 3 == 0 ? MerchantCategory.Dining : MerchantCategory.Retail,
                },
            });
        }

        for (var d = 28; d >= 1; d -= 4)
        {
            Apply(new Event
            {
                EventTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_now.AddDays(-d)),
                AppLogin = new AppLogin { Platform = AppPlatform.Android, Success = true },
            });
        }

        Apply(new Event
        {
            EventTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_now.AddDays(-12)),
            Statement = new Statement
            {
                Balance = 12000, MinimumDue = 600,
                DueDate = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_now.AddDays(8)),
            },
        });

        (string Offer, OfferOutcomeKind Kind, int DaysAgo)[] outcomes =
        [
            ("points_bonus", OfferOutcomeKind.Shown, 9), ("points_bonus", OfferOutcomeKind.Declined, 9),
            ("points_bonus", OfferOutcomeKind.Shown, 3), ("dining_cashback", OfferOutcomeKind.Shown, 2),
            ("dining_cashback", OfferOutcomeKind.Accepted, 2), ("bill_instalment", OfferOutcomeKind.Shown, 40),
            ("credit_limit_increase", OfferOutcomeKind.Shown, 20), ("fitness_pack", OfferOutcomeKind.Shown, 5),
            ("fitness_pack", OfferOutcomeKind.Shown, 1), ("double11_promotion", OfferOutcomeKind.Shown, 1),
        ];
        foreach (var (offer, kind, daysAgo) in outcomes)
        {
            Apply(new Event
            {
                EventTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_now.AddDays(-daysAgo)),
                OfferOutcome = new OfferOutcome { OfferId = offer, Outcome = kind, Channel = Channel.MobileApp },
            });
        }

        // Applied in event-time order, as a stream would deliver them (late events beyond 7 days are rejected).
        var state = new CustomerState();
        var profile = state.ApplyProfile(new Profile
        {
            CustomerId = "bench",
            CreditLimit = 20000,
            OpenDate = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_now.AddYears(-3)),
            ProductsHeld = 3,
        });
        if (profile.Outcome != ApplyOutcome.Applied)
        {
            throw new InvalidOperationException($"benchmark profile rejected: {profile.Message}");
        }

        var n = 0;
        foreach (var e in events.OrderBy(e => e.EventTime.ToDateTimeOffset()))
        {
            e.EventId = "b" + n++;
            e.CustomerId = "bench";
            var result = state.Apply(e);
            if (result.Outcome != ApplyOutcome.Applied)
            {
                throw new InvalidOperationException($"benchmark event rejected: {result.Message}");
            }
        }

        _features = state.ComputeFeatures(_now);
        _history = [.. _catalogue.Offers.Select(o => (OfferContactHistory?)state.GetOfferHistory(o.Id, _now))];
        _propensities = [.. _catalogue.Offers.Select((o, i) => o.PropensityModel is null ? double.NaN : 0.05 + (i % 5) * 0.04)];

        // A churn model over a subset of features, in its own order, as TreeSHAP would report it.
        string[] modelFeatures =
        [
            DecisionFeatures.DaysSinceLastTxn, DecisionFeatures.AmountChange90d, DecisionFeatures.CountChange90d,
            DecisionFeatures.UnresolvedComplaints, DecisionFeatures.LatePayments12m, DecisionFeatures.Utilisation,
            DecisionFeatures.AppLogins30d, DecisionFeatures.DaysSinceLastLogin, DecisionFeatures.CashAdvances90d,
            DecisionFeatures.MonthsOnBook, DecisionFeatures.ProductsHeld, DecisionFeatures.MonthsInactive12m,
        ];
        _reasons = new ReasonWriter(FeatureSchema.FromNames(modelFeatures));
        _modelFeatures = [.. modelFeatures.Select(f => _features[schema.IndexOf(f)])];
        _contributions = [.. modelFeatures.Select((_, i) => ((i * 7) % modelFeatures.Length) / 10.0 - 0.5), 0.1];

        // The scenario must exercise the whole path: a full page of offers and some exclusions of each kind.
        OfferArbiter.Arbitrate(_catalogue, Request(), _result);
        Console.WriteLine("// decisions scenario: " + string.Join("; ", _result.Excluded.ToArray().Select(e => OfferArbiter.Describe(_catalogue, e))));
        if (_result.Recommended.Length != 3)
        {
            throw new InvalidOperationException($"the benchmark scenario recommends {_result.Recommended.Length} offers, expected 3");
        }
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
        return _reasons.Write(_contributions, _modelFeatures, 3, into);
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
