using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Training;
using Scoring.Features;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary>`scoring train churn|offers|value|csv`: training sets, XGBoost, report and package.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train a model and write its package, evaluation report and charts.")
        {
            Churn(),
            Offers(),
            Value(),
            Csv(),
        };
        return command;
    }

    private static Option<FileInfo> EventsOption() => new("--events") { Description = "events.pb.gz written by `scoring generate`.", Required = true };

    private static Option<FileInfo> ProfilesOption() => new("--profiles") { Description = "profiles.pb.gz written by `scoring generate`.", Required = true };

    private static Option<DirectoryInfo> OutOption() => new("--out", "-o") { Description = "Package directory to write.", Required = true };

    private static Option<int> SeedOption() => new("--seed") { Description = "Seed for XGBoost and the validation slice.", DefaultValueFactory = _ => 1 };

    private static Option<int> SnapshotsOption() => new("--snapshots") { Description = "Number of monthly snapshots (the latest is the test set).", DefaultValueFactory = _ => 6 };

    private static Command Churn()
    {
        var events = EventsOption();
        var profiles = ProfilesOption();
        var output = OutOption();
        var seed = SeedOption();
        var snapshots = SnapshotsOption();
        var command = new Command("churn", "Churn model: no activity or card closure within 90 days after the snapshot.") { events, profiles, output, seed, snapshots };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var input = Inputs(parse.GetValue(events)!, parse.GetValue(profiles)!);
            if (input.Error is not null)
            {
                return GenerateCommand.Fail(input.Error);
            }

            var count = parse.GetValue(snapshots);
            if (count < 2)
            {
                return GenerateCommand.Fail("--snapshots must be at least 2 (training snapshots and the test snapshot).");
            }

            var result = await ChurnCommandRunner.RunAsync(input.Events!, input.Profiles!, parse.GetValue(output)!.FullName, parse.GetValue(seed), count, cancellationToken);
            return Print("churn", result);
        });
        return command;
    }

    private static Command Offers()
    {
        var events = EventsOption();
        var profiles = ProfilesOption();
        var output = OutOption();
        var seed = SeedOption();
        var snapshots = SnapshotsOption();
        var command = new Command("offers", "One acceptance-propensity model per offer id: accepted among offers shown in the 30 days after the snapshot.") { events, profiles, output, seed, snapshots };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var input = Inputs(parse.GetValue(events)!, parse.GetValue(profiles)!);
            if (input.Error is not null)
            {
                return GenerateCommand.Fail(input.Error);
            }

            var results = await OfferCommandRunner.RunAsync(input.Events!, input.Profiles!, parse.GetValue(output)!.FullName, parse.GetValue(seed), parse.GetValue(snapshots), cancellationToken);
            foreach (var (offer, result) in results)
            {
                Print(offer, result);
            }

            return 0;
        });
        return command;
    }

    private static Command Value()
    {
        var events = EventsOption();
        var profiles = ProfilesOption();
        var output = OutOption();
        var seed = SeedOption();
        var command = new Command("value", "Value model: 12-month revenue proxy (interchange + interest + fees) after the snapshot; tiers cut from it.") { events, profiles, output, seed };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var input = Inputs(parse.GetValue(events)!, parse.GetValue(profiles)!);
            if (input.Error is not null)
            {
                return GenerateCommand.Fail(input.Error);
            }

            var summary = await ValueCommandRunner.RunAsync(input.Events!, input.Profiles!, parse.GetValue(output)!.FullName, parse.GetValue(seed), cancellationToken);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[green]value[/]: {0}", Markup.Escape(summary));
            return 0;
        });
        return command;
    }

    private static Command Csv()
    {
        var file = new Argument<FileInfo>("file") { Description = "Training CSV with a header line." };
        var label = new Option<string>("--label") { Description = "The label column.", Required = true };
        var positive = new Option<string?>("--positive") { Description = "The label value meaning 1 (needed unless the label is 0/1 or true/false)." };
        var exclude = new Option<string?>("--exclude") { Description = "Comma-separated columns to leave out (ids)." };
        var test = new Option<FileInfo?>("--test") { Description = "Held-out CSV; without it 20% of the rows are held out (stratified, seeded)." };
        var output = OutOption();
        var seed = SeedOption();
        var command = new Command("csv", "Generic mode: any CSV, numeric columns as-is, text columns as category codes.") { file, label, positive, exclude, test, output, seed };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var excluded = (parse.GetValue(exclude) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var result = await CsvCommandRunner.RunAsync(
                    parse.GetValue(file)!.FullName, parse.GetValue(label)!, parse.GetValue(positive), excluded,
                    parse.GetValue(test)?.FullName, parse.GetValue(output)!.FullName, parse.GetValue(seed), cancellationToken);
                return Print("csv", result);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or InvalidOperationException)
            {
                return GenerateCommand.Fail(e.Message);
            }
        });
        return command;
    }

    private static (string? Error, string? Events, string? Profiles) Inputs(FileInfo events, FileInfo profiles) =>
        !events.Exists ? ($"--events: file '{events.FullName}' does not exist.", null, null)
        : !profiles.Exists ? ($"--profiles: file '{profiles.FullName}' does not exist.", null, null)
        : (null, events.FullName, profiles.FullName);

    private static int Print(string name, BinaryRunResult result)
    {
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "[green]{0}[/]: test ROC-AUC [bold]{1:0.000}[/] (baseline {2:0.000}), PR-AUC {3:0.000}, log loss {4:0.000}, {5} rounds → {6}",
            Markup.Escape(name), result.Model.RocAuc, result.Baseline.RocAuc, result.Model.PrAuc, result.Model.LogLoss, result.Rounds, Markup.Escape(result.PackageDirectory));
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a Spectre progress bar over customers when a person is
    /// watching a terminal; redirected (CI logs, tests) it runs without a live display, which
    /// would only add noise there and is exclusive per process.
    /// </summary>
    internal static async Task<T> WithProgressAsync<T>(string description, int total, Func<Action<int>, Task<T>> work)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await work(static _ => { }).ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: Math.Max(total, 1));
                result = await work(done => task.Value = done);
                task.Value = task.MaxValue;
            });
        return result;
    }

    internal static IReadOnlyList<string> CatalogueNames => FeatureCatalogue.Definitions.Select(d => d.Name).ToArray();
}
