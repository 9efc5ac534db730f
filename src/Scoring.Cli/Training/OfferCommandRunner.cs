using System.Globalization;
using Scoring.Cli.Population;
using Scoring.V1;

namespace Scoring.Cli.Training;

/// <summary>One offer shown after a snapshot, with the customer's features at the snapshot.</summary>
internal sealed record OfferRow(string CustomerId, int Snapshot, string OfferId, float[] Features, float Label);

/// <summary>
/// `scoring train offers`: one propensity model per offer id. Rows: every offer shown in the
/// 30 days after a monthly snapshot to a customer with an open card; features as of the
/// snapshot; label 1 when the customer accepted that offer within 3 days of it being shown.
/// </summary>
internal static class OfferCommandRunner
{
    public const string LabelDefinition = "1 when the offer, shown within 30 days after the snapshot, was accepted within 3 days of being shown.";
    private const int MinPositives = 30;
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);
    private static readonly long AcceptSeconds = 3 * 86400;

    public static async Task<List<(string Offer, BinaryRunResult Result)>> RunAsync(
        string eventsPath, string profilesPath, string outDirectory, int seed, int snapshotCount, CancellationToken cancellationToken)
    {
        var profiles = CustomerLogs.LoadProfiles(profilesPath);
        var (first, last) = SnapshotPlan.Span(CustomerLogs.Read(eventsPath, profiles));
        var snapshots = SnapshotPlan.Monthly(first, last, TimeSpan.FromDays(90), Window + TimeSpan.FromDays(3), snapshotCount);
        if (snapshots.Count < 2)
        {
            throw new InvalidOperationException("--events: the log is too short for two offer snapshots.");
        }

        var rows = await Commands.TrainCommand.WithProgressAsync("replaying customers", profiles.Count, progress =>
            Task.Run(() => CustomerLogs.MapParallel(CustomerLogs.Read(eventsPath, profiles), log => Rows(log, snapshots), progress, cancellationToken), cancellationToken));

        var results = new List<(string, BinaryRunResult)>();
        var testIndex = snapshots.Count - 1;
        var c = CultureInfo.InvariantCulture;
        foreach (var offer in OfferIds.All)
        {
            var offerRows = rows.Where(r => r.OfferId == offer).ToList();
            var test = ToDataset(offerRows.Where(r => r.Snapshot == testIndex));
            var validation = ToDataset(offerRows.Where(r => r.Snapshot < testIndex && ChurnTraining.IsValidationCustomer(r.CustomerId, (ulong)seed)));
            var train = ToDataset(offerRows.Where(r => r.Snapshot < testIndex && !ChurnTraining.IsValidationCustomer(r.CustomerId, (ulong)seed)));
            if (train.Labels.Sum() < MinPositives || test.Labels.Sum() < 5 || validation.Labels.Sum() < 5)
            {
                Spectre.Console.AnsiConsole.MarkupLine(c, "[yellow]{0}[/]: skipped, too few acceptances ({1} in training)", offer, train.Labels.Sum());
                continue;
            }

            var spec = new BinaryRunSpec(
                $"offer_{offer}",
                "offer",
                $"Offer propensity: {offer}",
                LabelDefinition,
                string.Create(c, $"time-based: offers shown after snapshots {string.Join(", ", snapshots.Take(testIndex).Select(s => s.ToString("yyyy-MM-dd", c)))} for training (15% of customers for early stopping); after {snapshots[testIndex]:yyyy-MM-dd} for test."),
                ChurnTraining.FeatureTypes,
                [],
                ["One model per offer id: acceptance depends on offer-specific fit (tier, habits, stage), which a per-offer model captures directly."],
                seed,
                Scoring.V1.ModelKind.OfferPropensity,
                offer,
                new Scoring.Models.Packages.TrainingWindow(DateOnly.FromDateTime(first.UtcDateTime), DateOnly.FromDateTime((snapshots[testIndex] + Window).UtcDateTime)));
            results.Add((offer, await BinaryTraining.RunAsync(spec, train, validation, test, Path.Combine(outDirectory, offer), cancellationToken)));
        }

        return results;
    }

    internal static IEnumerable<OfferRow> Rows(CustomerLog log, IReadOnlyList<DateTimeOffset> snapshots)
    {
        for (var k = 0; k < snapshots.Count; k++)
        {
            var s = snapshots[k].ToUnixTimeSeconds();
            var end = (snapshots[k] + Window).ToUnixTimeSeconds();
            var closed = false;
            List<(string Offer, long Time)>? shown = null;
            foreach (var e in log.Events)
            {
                var t = e.EventTime.Seconds;
                if (t <= s)
                {
                    closed |= SnapshotPlan.IsClosure(e);
                }
                else if (t <= end && e.OfferOutcome is { Outcome: OfferOutcomeKind.Shown } o)
                {
                    (shown ??= []).Add((o.OfferId, t));
                }
            }

            if (shown is null || closed)
            {
                continue;
            }

            var features = Features.FeatureReplay.ComputeFeatures(log.CustomerId, log.Events, log.Profile, snapshots[k]);
            foreach (var (offer, time) in shown.DistinctBy(x => (x.Offer, x.Time)))
            {
                var accepted = log.Events.Any(e => e.OfferOutcome is { Outcome: OfferOutcomeKind.Accepted } a && a.OfferId == offer
                    && e.EventTime.Seconds >= time && e.EventTime.Seconds <= time + AcceptSeconds);
                yield return new OfferRow(log.CustomerId, k, offer, features, accepted ? 1f : 0f);
            }
        }
    }

    private static Dataset ToDataset(IEnumerable<OfferRow> rows)
    {
        var list = rows.ToList();
        var columns = Features.FeatureCatalogue.Count;
        var features = new float[list.Count * columns];
        for (var i = 0; i < list.Count; i++)
        {
            list[i].Features.CopyTo(features, i * columns);
        }

        return new Dataset(Commands.TrainCommand.CatalogueNames, features, list.Select(r => r.Label).ToArray());
    }
}
