using Scoring.Cli.Population;
using Scoring.V1;

namespace Scoring.Cli.Tests.Population;

/// <summary>One generated population (5,000 customers, 12 months) shared by the distribution tests.</summary>
public sealed class PopulationFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    internal PopulationOptions Options { get; } = new() { Customers = 5000, Months = 12, Seed = 7, BlockSize = 500 };

    internal IReadOnlyList<Event> Events { get; private set; } = [];

    internal IReadOnlyList<Profile> Profiles { get; private set; } = [];

    internal IReadOnlyList<string[]> Truth { get; private set; } = [];

    public string Directory => _directory.Path;

    public async Task InitializeAsync()
    {
        await PopulationWriter.WriteAsync(Options, _directory.Path, null, CancellationToken.None);
        Events = PopulationReader.ReadEvents(_directory.File(PopulationWriter.EventsFile)).ToList();
        Profiles = PopulationReader.ReadProfiles(_directory.File(PopulationWriter.ProfilesFile)).ToList();
        Truth = File.ReadAllLines(_directory.File(PopulationWriter.TruthFile)).Skip(1).Select(l => l.Split(',')).ToList();
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
