using FsCheck;
using FsCheck.Fluent;
using Scoring.Features.Tests.Support;

namespace Scoring.Features.Tests;

public sealed class CustomerStatePropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(150);

    private static Arbitrary<Scenario> Scenarios() =>
        Arb.From(
            from seed in Gen.Choose(0, int.MaxValue - 1)
            from size in Gen.Choose(1, 400)
            select Scenario.Generate(seed, size));

    [Fact]
    public void ComputeFeatures_RandomDeliveriesWithDuplicatesAndShuffles_MatchesReferenceOverDeduplicatedEvents()
    {
        Check.One(s_config, Prop.ForAll(Scenarios(), s =>
        {
            var state = new CustomerState();
            var options = Ev.Options(Scenario.Lateness);
            if (s.Profile is not null)
            {
                Assert.Equal(ApplyOutcome.Applied, state.ApplyProfile(s.Profile, options).Outcome);
            }

            foreach (var e in s.Arrival)
            {
                Assert.NotEqual(ApplyOutcome.Invalid, state.Apply(e, options).Outcome);
            }

            foreach (var asOf in s.Reads)
            {
                var expected = ReferenceFeatures.Compute(s.Arrival, s.Profile, asOf, Scenario.Lateness);
                var diffs = ReferenceFeatures.Differences(state.ComputeFeatures(asOf), expected);
                Assert.True(diffs.Count == 0, $"{s} at {asOf:O}: {string.Join("; ", diffs)}");
            }
        }));
    }

    [Fact]
    public void Deserialize_OfSerializedRandomState_ComputesTheSameFeaturesAndBytes()
    {
        Check.One(s_config.WithMaxTest(100), Prop.ForAll(Scenarios(), s =>
        {
            var options = Ev.Options(Scenario.Lateness);
            var state = Applied(s, options);

            var bytes = state.Serialize();
            var copy = CustomerState.Deserialize(bytes);
            Assert.Equal(bytes, copy.Serialize());
            foreach (var asOf in s.Reads)
            {
                Assert.Empty(ReferenceFeatures.Differences(copy.ComputeFeatures(asOf), state.ComputeFeatures(asOf)));
            }

            // The copy keeps deduplicating: every delivery again is a duplicate or late.
            foreach (var e in s.Arrival)
            {
                Assert.NotEqual(ApplyOutcome.Applied, copy.Apply(e, options).Outcome);
            }
        }));
    }

    [Fact]
    public void DeserializeInto_AReusedStateHoldingAnotherCustomer_EqualsAFreshDeserialize()
    {
        // One instance decodes customer after customer (as GetScores does per thread): nothing of
        // the previous customer may leak into the next one.
        var reused = new CustomerState();
        Check.One(s_config.WithMaxTest(100), Prop.ForAll(Scenarios(), s =>
        {
            var options = Ev.Options(Scenario.Lateness);
            var state = Applied(s, options);

            var bytes = state.Serialize();
            CustomerState.DeserializeInto(bytes, reused);
            Assert.Equal(bytes, reused.Serialize());
            foreach (var asOf in s.Reads)
            {
                Assert.Empty(ReferenceFeatures.Differences(reused.ComputeFeatures(asOf), state.ComputeFeatures(asOf)));
            }

            // Its deduplication memory is this customer's, not a mix.
            foreach (var e in s.Arrival)
            {
                Assert.NotEqual(ApplyOutcome.Applied, reused.Apply(e, options).Outcome);
            }

            CustomerState.DeserializeInto(bytes, reused); // undo the applies above for the next round
        }));
    }

    [Fact]
    public void DeserializeInto_EmptyStateAfterAFullOne_IsEmpty()
    {
        var full = new CustomerState();
        var options = Ev.Options(Scenario.Lateness);
        foreach (var e in Scenario.Generate(7, 300).Arrival)
        {
            full.Apply(e, options);
        }

        var empty = new CustomerState().Serialize();
        CustomerState.DeserializeInto(empty, full);
        Assert.Equal(empty, full.Serialize());
        Assert.Null(full.Watermark);
        Assert.False(full.HasProfile);
    }

    /// <summary>A state with the scenario's profile and every delivery applied, in arrival order.</summary>
    private static CustomerState Applied(Scenario s, ApplyOptions options)
    {
        var state = new CustomerState();
        if (s.Profile is not null)
        {
            state.ApplyProfile(s.Profile, options);
        }

        foreach (var e in s.Arrival)
        {
            state.Apply(e, options);
        }

        return state;
    }

    [Fact]
    public void Replay_AtRandomSnapshotTimes_MatchesReferenceOverEventsUpToThatTime()
    {
        Check.One(s_config.WithMaxTest(100), Prop.ForAll(Scenarios(), s =>
        {
            var first = s.Arrival.Min(ReferenceFeatures.Time);
            var last = s.Arrival.Max(ReferenceFeatures.Time);
            var asOf = first + ((last - first) * new Random(s.Seed).NextDouble());
            var options = new ReplayOptions { Lateness = Scenario.Lateness };
            var actual = FeatureReplay.ComputeFeatures(Ev.Customer, s.Arrival, s.Profile, asOf, options);
            var expected = ReferenceFeatures.Compute(s.Arrival, s.Profile, asOf, Scenario.Lateness);
            var diffs = ReferenceFeatures.Differences(actual, expected);
            Assert.True(diffs.Count == 0, $"{s} at {asOf:O}: {string.Join("; ", diffs)}");
        }));
    }
}
