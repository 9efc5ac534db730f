using FsCheck;
using FsCheck.Fluent;
using Scoring.Features;
using Scoring.V1;

namespace Scoring.Decisions.Tests;

/// <summary>Invariants of arbitration over the shipped catalogue for random customers,
/// histories, propensities and dates.</summary>
public sealed class OfferArbiterPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300);
    private static readonly OfferCatalogue Catalogue = TestData.ShippedCatalogue();

    private static Arbitrary<Scenario> Scenarios() =>
        Arb.From(from seed in Gen.Choose(0, int.MaxValue - 1) select Scenario.Generate(seed));

    [Fact]
    public void Arbitrate_RandomCustomers_EveryOfferIsRankedOrExcludedExactlyOnceInOrder()
    {
        Check.One(s_config, Prop.ForAll(Scenarios(), s =>
        {
            var result = s.Run();
            var ranked = result.Recommended.ToArray().Concat(result.RankedOut.ToArray()).ToArray();
            var seen = ranked.Select(c => c.OfferIndex).Concat(result.Excluded.ToArray().Select(e => e.OfferIndex)).Order();

            Assert.Equal(Enumerable.Range(0, Catalogue.Count), seen);
            Assert.Equal(Math.Min(s.MaxOffers, ranked.Length), result.Recommended.Length);
            for (var i = 1; i < ranked.Length; i++)
            {
                var (a, b) = (ranked[i - 1], ranked[i]);
                Assert.True(
                    a.Score > b.Score || (a.Score == b.Score && string.CompareOrdinal(Catalogue.Offers[a.OfferIndex].Id, Catalogue.Offers[b.OfferIndex].Id) < 0),
                    $"{s}: position {i} out of order");
            }
        }));
    }

    [Fact]
    public void Arbitrate_RandomCustomers_ScoreIsPropensityTimesContextValueAndLever()
    {
        Check.One(s_config, Prop.ForAll(Scenarios(), s =>
        {
            var result = s.Run();
            foreach (var c in result.Recommended.ToArray().Concat(result.RankedOut.ToArray()))
            {
                var offer = Catalogue.Offers[c.OfferIndex];
                var expectedPropensity = offer.PropensityModel is not null && !double.IsNaN(s.Propensities[c.OfferIndex]) ? s.Propensities[c.OfferIndex] : offer.Prior;
                Assert.Equal(expectedPropensity, c.Propensity);
                Assert.InRange(c.Propensity, 0, 1);
                Assert.Equal(c.Propensity * offer.BusinessValue, c.ExpectedValue, 9);
                Assert.Equal(c.Propensity * c.Context * offer.BusinessValue * offer.Lever, c.Score, 9);
            }
        }));
    }

    [Fact]
    public void Arbitrate_RandomCustomers_NeverRecommendsCreditToRiskyCustomers()
    {
        var late = TestData.Schema.IndexOf(DecisionFeatures.LatePayments12m);
        var creditRecommended = 0;
        Check.One(s_config, Prop.ForAll(Scenarios(), s =>
        {
            var result = s.Run();
            foreach (var c in result.Recommended.ToArray())
            {
                if (Catalogue.Offers[c.OfferIndex].Category == "credit")
                {
                    creditRecommended++;
                    Assert.True(s.Features[late] == 0, $"{s}: credit offer with late payments {s.Features[late]}");
                    Assert.True(s.Band is RiskBand.Low or RiskBand.Medium, $"{s}: credit offer in band {s.Band}");
                }
            }
        }));

        // The property is not vacuous: the random customers do get credit offers when they qualify.
        Assert.True(creditRecommended > 0);
    }

    [Fact]
    public void Arbitrate_SameInputTwice_GivesIdenticalResults()
    {
        Check.One(s_config.WithMaxTest(100), Prop.ForAll(Scenarios(), s =>
        {
            var first = s.Run();
            var second = s.Run();
            Assert.Equal(first.Recommended.ToArray(), second.Recommended.ToArray());
            Assert.Equal(first.RankedOut.ToArray(), second.RankedOut.ToArray());
            Assert.Equal(first.Excluded.ToArray(), second.Excluded.ToArray());
        }));
    }

    public sealed record Scenario(
        int Seed, float[] Features, Channel Channel, ValueTier Tier, LifecycleStage Stage, RiskBand Band,
        OfferContactHistory?[] History, double[] Propensities, DateTimeOffset Now, int MaxOffers)
    {
        public static Scenario Generate(int seed)
        {
            var r = new Random(seed);
            float Maybe(double value) => r.NextDouble() < 0.1 ? float.NaN : (float)value;
            var features = TestData.Features();
            void Set(string name, float value) => features[TestData.Schema.IndexOf(name)] = value;
            Set(DecisionFeatures.LatePayments12m, Maybe(r.Next(0, 3) == 0 ? r.Next(1, 5) : 0));
            Set(DecisionFeatures.Utilisation, Maybe(r.NextDouble() * 1.2));
            Set(DecisionFeatures.MonthsOnBook, Maybe(r.Next(0, 60)));
            Set(DecisionFeatures.TxnAmount90d, Maybe(r.Next(0, 20000)));
            Set(DecisionFeatures.AppLogins30d, Maybe(r.Next(0, 20)));
            Set(DecisionFeatures.CashAdvances90d, Maybe(r.Next(0, 4)));
            Set(DecisionFeatures.Complaints365d, Maybe(r.Next(0, 3)));
            Set(DecisionFeatures.CardClosed, r.Next(0, 10) == 0 ? 1 : 0);
            foreach (var share in new[] { DecisionFeatures.ShareFuel90d, DecisionFeatures.ShareDining90d, DecisionFeatures.ShareTravel90d, DecisionFeatures.ShareOnline90d })
            {
                Set(share, Maybe(r.NextDouble() * 0.4));
            }

            var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMinutes(r.Next(0, 365 * 24 * 60));
            var history = new OfferContactHistory?[Catalogue.Count];
            for (var i = 0; i < history.Length; i++)
            {
                if (r.Next(0, 3) == 0)
                {
                    var s7 = r.Next(0, 3);
                    var s30 = s7 + r.Next(0, 3);
                    DateTimeOffset? Ago() => r.Next(0, 2) == 0 ? null : now.AddHours(-r.Next(1, 24 * 200));
                    history[i] = new OfferContactHistory(Catalogue.Offers[i].Id, s7, s30, s30 + r.Next(0, 3), Ago(), Ago(), Ago());
                }
            }

            var propensities = Enumerable.Range(0, Catalogue.Count).Select(_ => r.Next(0, 4) == 0 ? double.NaN : r.Next(0, 5) == 0 ? 0.5 : r.NextDouble()).ToArray();
            return new Scenario(
                seed, features, (Channel)r.Next(1, 7), (ValueTier)r.Next(1, 5), (LifecycleStage)r.Next(1, 6), (RiskBand)r.Next(1, 5),
                history, propensities, now, r.Next(1, 21));
        }

        public ArbitrationResult Run()
        {
            var result = new ArbitrationResult();
            OfferArbiter.Arbitrate(Catalogue, new ArbitrationRequest
            {
                Features = Features,
                Channel = Channel,
                Tier = Tier,
                Stage = Stage,
                Band = Band,
                History = History,
                Propensities = Propensities,
                Now = Now,
                MaxOffers = MaxOffers,
            }, result);
            return result;
        }

        public override string ToString() => $"seed {Seed} ({Tier}, {Stage}, {Band}, {Channel}, max {MaxOffers}, {Now:O})";
    }
}
