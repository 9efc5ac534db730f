using System.Text.Json.Nodes;
using Scoring.Cli.Population;
using Scoring.Cli.Training;
using Scoring.Features;
using Scoring.Models.Evaluator;

namespace Scoring.Cli.Tests.Training;

/// <summary>A tiny generated population (1,200 customers, 18 months), shared by the training tests.</summary>
public sealed class TinyPopulationFixture : IAsyncLifetime
{
    public TempDirectory Directory { get; } = new();

    public Task InitializeAsync() =>
        PopulationWriter.WriteAsync(new PopulationOptions { Customers = 1200, Months = 18, Seed = 99 }, Directory.Path, null, CancellationToken.None);

    public Task DisposeAsync()
    {
        Directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>End-to-end training on a generated population.</summary>
public sealed class TrainPopulationTests(TinyPopulationFixture population) : IClassFixture<TinyPopulationFixture>
{
    private readonly TempDirectory _dir = population.Directory;

    private string Events => _dir.File(PopulationWriter.EventsFile);

    private string Profiles => _dir.File(PopulationWriter.ProfilesFile);

    [Fact]
    public async Task TrainChurn_TinyPopulation_WritesALoadablePackageThatRanksChurnersHigher()
    {
        var output = _dir.File("churn");
        var result = await ChurnCommandRunner.RunAsync(Events, Profiles, output, 1, 3, CancellationToken.None);

        // Believable, never a leak: a tiny population is noisy, but never near 1.0.
        Assert.InRange(result.Model.RocAuc, 0.6, 0.97);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, PackageOutput.ManifestFile)))!;
        var names = manifest["features"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(FeatureCatalogue.Definitions.Select(d => d.Name), names);
        Assert.Equal("binary:logistic", manifest["objective"]!.GetValue<string>());
        // The service's loader accepts it: manifest validation and golden rows re-scored.
        var package = Scoring.Models.Packages.ModelPackage.Load(output);
        Assert.Equal(Scoring.V1.ModelKind.Churn, package.Manifest.Kind);
        Assert.NotNull(package.Manifest.ScoreBands);
        Assert.NotEmpty(package.Manifest.GoldenRows);
        Assert.True(manifest["metrics"]!["auc_roc"]!.GetValue<double>() > 0.6);

        var model = TreeEnsemble.LoadFile(Path.Combine(output, PackageOutput.ModelFile));
        Assert.Equal(FeatureCatalogue.Count, model.NumFeatures);
        var report = await File.ReadAllTextAsync(Path.Combine(output, EvaluationReport.FileName));
        Assert.Contains("time-based", report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "charts", "roc.png")));
    }

    [Fact]
    public void ChurnRows_LabelsComeOnlyFromEventsAfterTheSnapshot()
    {
        var profiles = CustomerLogs.LoadProfiles(Profiles);
        var logs = CustomerLogs.Read(Events, profiles).Take(300).ToList();
        var snapshot = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var log in logs)
        {
            var rows = ChurnTraining.Rows(log, [snapshot]).ToList();
            // Dropping every event after the snapshot must not change the features.
            var past = log with { Events = log.Events.Where(e => e.EventTime.ToDateTimeOffset() <= snapshot).ToList() };
            foreach (var row in rows)
            {
                Assert.Equal(FeatureReplay.ComputeFeatures(past.CustomerId, past.Events, past.Profile, snapshot), row.Features);
                var activeAfter = log.Events.Any(e => SnapshotPlan.IsActivity(e) && e.EventTime.ToDateTimeOffset() > snapshot && e.EventTime.ToDateTimeOffset() <= snapshot.AddDays(90));
                var closedAfter = log.Events.Any(e => SnapshotPlan.IsClosure(e) && e.EventTime.ToDateTimeOffset() > snapshot && e.EventTime.ToDateTimeOffset() <= snapshot.AddDays(90));
                Assert.Equal(!activeAfter || closedAfter ? 1f : 0f, row.Label);
            }
        }
    }

    [Fact]
    public async Task TrainValue_EighteenMonthPopulation_WritesTierThresholdsInOrder()
    {
        var output = _dir.File("value");
        await ValueCommandRunner.RunAsync(Events, Profiles, output, 1, CancellationToken.None);

        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, PackageOutput.ManifestFile)))!;
        var cuts = manifest["tier_cut_points"]!.AsArray().Select(c => c!.GetValue<double>()).ToArray();
        Assert.Equal(3, cuts.Length);
        Assert.True(cuts[0] < cuts[1] && cuts[1] < cuts[2]);
        Assert.Equal("value", Scoring.Models.Packages.ModelPackage.Load(output).Manifest.Name);
        Assert.True(manifest["metrics"]!["spearman"]!.GetValue<double>() > 0.5);
        Assert.Equal("reg:tweedie", manifest["objective"]!.GetValue<string>());
        Assert.Equal(FeatureCatalogue.Count, TreeEnsemble.LoadFile(Path.Combine(output, PackageOutput.ModelFile)).NumFeatures);
    }
}
