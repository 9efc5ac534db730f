using Scoring.Cli.Population;

namespace Scoring.Cli.Tests.Population;

public sealed class PopulationDeterminismTests
{
    [Fact]
    public async Task Generate_SameSeedAndOptions_WritesByteIdenticalFiles()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        var options = new PopulationOptions { Customers = 600, Seed = 11, BlockSize = 64, DuplicateFraction = 0.02, OutOfOrderFraction = 0.02 };
        await PopulationWriter.WriteAsync(options, a.Path, null, CancellationToken.None);
        await PopulationWriter.WriteAsync(options, b.Path, null, CancellationToken.None);

        foreach (var file in new[] { PopulationWriter.EventsFile, PopulationWriter.ProfilesFile, PopulationWriter.TruthFile })
        {
            Assert.Equal(await File.ReadAllBytesAsync(a.File(file)), await File.ReadAllBytesAsync(b.File(file)));
        }
    }

    [Fact]
    public async Task Generate_DifferentBlockSize_WritesTheSameEvents()
    {
        // A customer's output depends only on the seed and its index, not on how work is split.
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        await PopulationWriter.WriteAsync(new PopulationOptions { Customers = 300, Seed = 5, BlockSize = 300 }, a.Path, null, CancellationToken.None);
        await PopulationWriter.WriteAsync(new PopulationOptions { Customers = 300, Seed = 5, BlockSize = 7 }, b.Path, null, CancellationToken.None);

        var left = PopulationReader.ReadEvents(a.File(PopulationWriter.EventsFile)).ToList();
        var right = PopulationReader.ReadEvents(b.File(PopulationWriter.EventsFile)).ToList();
        Assert.Equal(left, right);
    }

    [Fact]
    public async Task Generate_DifferentSeed_WritesDifferentEvents()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        await PopulationWriter.WriteAsync(new PopulationOptions { Customers = 200, Seed = 1 }, a.Path, null, CancellationToken.None);
        await PopulationWriter.WriteAsync(new PopulationOptions { Customers = 200, Seed = 2 }, b.Path, null, CancellationToken.None);

        Assert.NotEqual(await File.ReadAllBytesAsync(a.File(PopulationWriter.EventsFile)), await File.ReadAllBytesAsync(b.File(PopulationWriter.EventsFile)));
        Assert.NotEqual(await File.ReadAllTextAsync(a.File(PopulationWriter.TruthFile)), await File.ReadAllTextAsync(b.File(PopulationWriter.TruthFile)));
    }

    [Fact]
    public async Task Generate_WithDuplicatesAndLateness_DeliversCopiesAndOutOfOrderEventsPerCustomer()
    {
        using var dir = new TempDirectory();
        var options = new PopulationOptions { Customers = 300, Seed = 3, DuplicateFraction = 0.05, OutOfOrderFraction = 0.05, MaxLatenessDays = 3 };
        await PopulationWriter.WriteAsync(options, dir.Path, null, CancellationToken.None);
        var events = PopulationReader.ReadEvents(dir.File(PopulationWriter.EventsFile)).ToList();

        var byId = events.GroupBy(e => e.EventId).ToList();
        var duplicated = byId.Where(g => g.Count() > 1).ToList();
        Assert.InRange(duplicated.Count / (double)byId.Count, 0.03, 0.07);
        Assert.All(duplicated, g => Assert.All(g, e => Assert.Equal(g.First(), e)));

        var outOfOrder = 0;
        var maxBehind = 0L;
        foreach (var customer in events.GroupBy(e => e.CustomerId))
        {
            var latest = long.MinValue;
            foreach (var e in customer)
            {
                if (e.EventTime.Seconds < latest)
                {
                    outOfOrder++;
                    maxBehind = Math.Max(maxBehind, latest - e.EventTime.Seconds);
                }

                latest = Math.Max(latest, e.EventTime.Seconds);
            }
        }

        Assert.True(outOfOrder > 0);
        // A late event arrives at most MaxLatenessDays after it happened, so it is never further behind.
        Assert.True(maxBehind <= (options.MaxLatenessDays * 86400L) + 120, $"{maxBehind} s behind");
    }
}
