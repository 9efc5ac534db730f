using Scoring.Cli.Population;

namespace Scoring.Cli.Tests.Population;

public sealed class Xoshiro256Tests
{
    [Fact]
    public void SplitMix64_Seed1234567_MatchesTheReferenceSequence()
    {
        // Reference values of Vigna's splitmix64.c for seed 1234567.
        var state = 1234567UL;
        Assert.Equal(6457827717110365317UL, Xoshiro256.SplitMix64(ref state));
        Assert.Equal(3203168211198807973UL, Xoshiro256.SplitMix64(ref state));
        Assert.Equal(9817491932198370423UL, Xoshiro256.SplitMix64(ref state));
    }

    [Fact]
    public void ForStream_DifferentStreams_AreIndependentSequences()
    {
        var a = Xoshiro256.ForStream(42, 0);
        var b = Xoshiro256.ForStream(42, 1);
        var c = Xoshiro256.ForStream(42, 0);
        var first = a.NextUInt64();
        Assert.NotEqual(first, b.NextUInt64());
        Assert.Equal(first, c.NextUInt64());
    }

    [Fact]
    public void NextInt_ManyDraws_StayInRangeAndCoverIt()
    {
        var rng = new Xoshiro256(9);
        var seen = new int[7];
        for (var i = 0; i < 7000; i++)
        {
            seen[rng.NextInt(7)]++;
        }

        Assert.All(seen, count => Assert.InRange(count, 850, 1150));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.8)]
    [InlineData(4.0)]
    public void Poisson_ManyDraws_HaveTheRequestedMean(double mean)
    {
        var rng = new Xoshiro256(17);
        var total = 0L;
        const int Draws = 40_000;
        for (var i = 0; i < Draws; i++)
        {
            total += rng.Poisson(mean);
        }

        Assert.InRange(total / (double)Draws, mean * 0.95, mean * 1.05);
    }
}
