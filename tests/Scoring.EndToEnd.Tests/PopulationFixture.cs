using System.Globalization;
using Scoring.Features.EventLog;
using Scoring.V1;
using IngestClient = Scoring.V1.Ingest.IngestClient;
using ScoringClient = Scoring.V1.Scoring.ScoringClient;

namespace Scoring.EndToEnd.Tests;

/// <summary>
/// A service of its own (real redis-server and host) loaded with a small population made by
/// `scoring generate` (with duplicate and out-of-order deliveries) through UpsertProfile and
/// IngestEvents, exactly as an upstream system would send it.
/// </summary>
public sealed class PopulationFixture : IAsyncLifetime
{
    public const int Customers = 24;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-e2e-" + Guid.NewGuid().ToString("N"));

    public ServiceFixture Service { get; } = new();

    public ScoringClient Scores => Service.Scores;

    public IngestClient Ingest => Service.Ingest;

    /// <summary>Every event in file (delivery) order.</summary>
    public IReadOnlyList<Event> Events { get; private set; } = [];

    public IReadOnlyDictionary<string, Profile> Profiles { get; private set; } = new Dictionary<string, Profile>();

    /// <summary>Each customer's events in delivery order.</summary>
    public IReadOnlyDictionary<string, List<Event>> EventsByCustomer { get; private set; } = new Dictionary<string, List<Event>>();

    /// <summary>The summary IngestEvents answered for the whole population.</summary>
    public IngestSummary Summary { get; private set; } = new();

    public string EventsFile => Path.Combine(_directory, "events.pb.gz");

    public string ProfilesFile => Path.Combine(_directory, "profiles.pb.gz");

    public async Task InitializeAsync()
    {
        // A 12-month window ending before today, so the customers are recent and not all idle.
        var now = DateTime.UtcNow;
        var start = new DateOnly(now.Year, now.Month, 1).AddMonths(-13);
        var (code, output, error) = await CliRunner.RunAsync(
            "generate", "--customers", Customers.ToString(CultureInfo.InvariantCulture), "--months", "12",
            "--start", start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--seed", "20261122",
            "--duplicates", "0.02", "--out-of-order", "0.02", "--out", _directory);
        if (code != 0)
        {
            throw new InvalidOperationException($"scoring generate failed ({code}): {output}{error}");
        }

        Events = [.. EventLogReader.ReadEvents(EventsFile)];
        Profiles = EventLogReader.ReadProfiles(ProfilesFile).ToDictionary(p => p.CustomerId, StringComparer.Ordinal);
        var byCustomer = new Dictionary<string, List<Event>>(StringComparer.Ordinal);
        foreach (var e in Events)
        {
            if (!byCustomer.TryGetValue(e.CustomerId, out var list))
            {
                byCustomer[e.CustomerId] = list = [];
            }

            list.Add(e);
        }

        EventsByCustomer = byCustomer;

        await Service.InitializeAsync();
        await Service.WaitServingAsync();
        foreach (var profile in Profiles.Values)
        {
            await UpsertAsync(profile);
        }

        Summary = await IngestAsync(Events);
    }

    public Task<UpsertProfileResponse> UpsertAsync(Profile profile) =>
        Ingest.UpsertProfileAsync(new UpsertProfileRequest { Profile = profile }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;

    /// <summary>Streams <paramref name="events"/> through IngestEvents with our client and returns the summary.</summary>
    public async Task<IngestSummary> IngestAsync(IEnumerable<Event> events)
    {
        using var call = Ingest.IngestEvents(deadline: DateTime.UtcNow.AddMinutes(3));
        foreach (var e in events)
        {
            await call.RequestStream.WriteAsync(e);
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    public Task<CustomerScores> GetScoresAsync(GetScoresRequest request, DateTime? deadline = null) =>
        Scores.GetScoresAsync(request, deadline: deadline ?? DateTime.UtcNow.AddSeconds(30)).ResponseAsync;

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PopulationCollection : ICollectionFixture<PopulationFixture>
{
    public const string Name = "population";
}
