using System.IO;
using Scoring.Features.Tests.Support;
using Xunit.Abstractions;

namespace Scoring.Features.Tests;

public sealed class SerializationTests(ITestOutputHelper output)
{
    [Fact]
    public void Serialize_AfterATypicalYear_StaysWellUnderTwoKilobytes()
    {
        var sizes = new List<int>();
        for (var seed = 1; seed <= 20; seed++)
        {
            var state = new CustomerState();
            state.ApplyProfile(Ev.Profile(Ev.At(2020, 3, 1)), Ev.Options());
            foreach (var e in TypicalYear.Generate(Ev.At(2025, 12, 31), seed))
            {
                Assert.Equal(ApplyOutcome.Applied, state.Apply(e, Ev.Options()).Outcome);
            }

            sizes.Add(state.Serialize().Length);
            if (seed == 1)
            {
                output.WriteLine($"seed 1: {state.DayBucketCount} day buckets, {state.MonthBucketCount} month buckets, {state.SeenIdCount} event ids kept");
            }
        }

        output.WriteLine($"serialized state after a typical year: min {sizes.Min()} B, mean {sizes.Average():0} B, max {sizes.Max()} B");
        // 2048 B is the budget for value plus Redis key overhead; the payload aims at ~1.2 KB.
        Assert.True(sizes.Max() <= 1400, $"largest state {sizes.Max()} B");
    }

    [Fact]
    public void Deserialize_EmptyState_RoundTrips()
    {
        var bytes = new CustomerState().Serialize();
        Assert.Equal(CustomerState.FormatVersion, bytes[0]);
        Assert.Equal(bytes, CustomerState.Deserialize(bytes).Serialize());
    }

    [Fact]
    public void Deserialize_UnknownVersion_ThrowsNamingTheVersion()
    {
        var bytes = new CustomerState().Serialize();
        bytes[0] = 99;
        Assert.Contains("99", Assert.Throws<InvalidDataException>(() => CustomerState.Deserialize(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_EveryTruncationOfARealState_ThrowsInvalidData()
    {
        var state = new CustomerState();
        foreach (var e in TypicalYear.Generate(Ev.At(2025, 12, 31), 3))
        {
            state.Apply(e, Ev.Options());
        }

        var bytes = state.Serialize();
        for (var n = 0; n < bytes.Length; n++)
        {
            Assert.Throws<InvalidDataException>(() => CustomerState.Deserialize(bytes.AsSpan(0, n)));
        }

        Assert.Throws<InvalidDataException>(() => CustomerState.Deserialize([.. bytes, 0]));
    }
}
