using System.Globalization;
using Scoring.Cli.Commands;
using Scoring.Features;

namespace Scoring.Cli.Training;

/// <summary>`scoring train churn`: replay, label, time split, train, report, package.</summary>
internal static class ChurnCommandRunner
{
    public static async Task<BinaryRunResult> RunAsync(string eventsPath, string profilesPath, string outDirectory, int seed, int snapshotCount, CancellationToken cancellationToken)
    {
        var profiles = CustomerLogs.LoadProfiles(profilesPath);
        var (first, last) = SnapshotPlan.Span(CustomerLogs.Read(eventsPath, profiles));
        var snapshots = SnapshotPlan.Monthly(first, last, TimeSpan.FromDays(180), SnapshotPlan.Horizon, snapshotCount);
        if (snapshots.Count < 2)
        {
            throw new InvalidOperationException($"--events: the log ({first:yyyy-MM-dd} to {last:yyyy-MM-dd}) is too short for two snapshots with 180 days of history and 90 days of label horizon.");
        }

        var rows = await TrainCommand.WithProgressAsync("replaying customers", profiles.Count, progress =>
            Task.Run(() => CustomerLogs.MapParallel(CustomerLogs.Read(eventsPath, profiles), log => ChurnTraining.Rows(log, snapshots), progress, cancellationToken), cancellationToken));

        var testIndex = snapshots.Count - 1;
        var test = ChurnTraining.ToDataset(rows.Where(r => r.Snapshot == testIndex));
        var validation = ChurnTraining.ToDataset(rows.Where(r => r.Snapshot < testIndex && ChurnTraining.IsValidationCustomer(r.CustomerId, (ulong)seed)));
        var train = ChurnTraining.ToDataset(rows.Where(r => r.Snapshot < testIndex && !ChurnTraining.IsValidationCustomer(r.CustomerId, (ulong)seed)));

        var recency = RecencyBaselineAuc(test);
        var c = CultureInfo.InvariantCulture;
        var spec = new BinaryRunSpec(
            "churn",
            "churn",
            "Churn model",
            ChurnTraining.LabelDefinition,
            string.Create(c, $"time-based: training snapshots {string.Join(", ", snapshots.Take(testIndex).Select(s => s.ToString("yyyy-MM-dd", c)))} (15% of customers held out by id for early stopping); test snapshot {snapshots[testIndex]:yyyy-MM-dd}."),
            ChurnTraining.FeatureTypes,
            [],
            [
                string.Create(c, $"Recency-only baseline (score = days since last transaction) on the test snapshot: ROC-AUC {recency:0.0000}."),
                "Features come from FeatureReplay (the serving code) with event_time ≤ snapshot; labels only from events strictly after it.",
                "Risk bands (manifest score_bands): medium from 2×, high from 5×, critical from 10× the training churn rate.",
            ],
            seed,
            Scoring.V1.ModelKind.Churn,
            null,
            new Scoring.Models.Packages.TrainingWindow(DateOnly.FromDateTime(first.UtcDateTime), DateOnly.FromDateTime((snapshots[testIndex] + SnapshotPlan.Horizon).UtcDateTime)));
        return await BinaryTraining.RunAsync(spec, train, validation, test, outDirectory, cancellationToken);
    }

    private static double RecencyBaselineAuc(Dataset test)
    {
        var column = FeatureCatalogue.IndexOf("days_since_last_txn");
        var scores = new double[test.Rows];
        for (var i = 0; i < test.Rows; i++)
        {
            var v = test.Row(i)[column];
            scores[i] = float.IsNaN(v) ? 1e6 : v;
        }

        return Metrics.Evaluate(test.Labels, scores).RocAuc;
    }
}
