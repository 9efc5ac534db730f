using System.CommandLine;
using System.Globalization;
using Scoring.Cli.Population;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary>`scoring generate`: the synthetic card-customer population (Population/README.md).</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var customers = new Option<int>("--customers", "-n") { Description = "Number of customers.", DefaultValueFactory = _ => 10_000 };
        var months = new Option<int>("--months") { Description = "Length of the window in months (12 to 24).", DefaultValueFactory = _ => 12 };
        var seed = new Option<ulong>("--seed") { Description = "Seed; the same seed and options give byte-identical files.", DefaultValueFactory = _ => 42UL };
        var start = new Option<string>("--start") { Description = "First day of the window, yyyy-MM-dd.", DefaultValueFactory = _ => "2024-07-01" };
        var tierShares = new Option<string>("--tier-shares") { Description = "Shares of HNW,Potential,Mass,Basic.", DefaultValueFactory = _ => "0.03,0.20,0.50,0.27" };
        var duplicates = new Option<double>("--duplicates") { Description = "Fraction of events delivered twice (0 to 0.5)." };
        var outOfOrder = new Option<double>("--out-of-order") { Description = "Fraction of events delivered late, out of order (0 to 0.5)." };
        var lateness = new Option<int>("--max-lateness-days") { Description = "Maximum delivery delay of late or duplicate events, in days.", DefaultValueFactory = _ => 3 };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory.", Required = true };

        var command = new Command("generate", "Generate a synthetic population: events.pb.gz, profiles.pb.gz, truth.csv.")
        {
            customers, months, seed, start, tierShares, duplicates, outOfOrder, lateness, output,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!DateOnly.TryParseExact(parse.GetValue(start), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startDate))
            {
                return Fail("--start must be a date in the form yyyy-MM-dd.");
            }

            var shares = PopulationOptions.ParseTierShares(parse.GetValue(tierShares)!, out var sharesError);
            if (shares is null)
            {
                return Fail(sharesError!);
            }

            var options = new PopulationOptions
            {
                Customers = parse.GetValue(customers),
                Months = parse.GetValue(months),
                Seed = parse.GetValue(seed),
                Start = startDate,
                TierShares = shares,
                DuplicateFraction = parse.GetValue(duplicates),
                OutOfOrderFraction = parse.GetValue(outOfOrder),
                MaxLatenessDays = parse.GetValue(lateness),
            };
            var errors = options.Validate(DateTimeOffset.UtcNow);
            if (errors.Count > 0)
            {
                return Fail(string.Join(Environment.NewLine, errors));
            }

            var directory = parse.GetValue(output)!.FullName;
            GenerationSummary? summary = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("customers", maxValue: options.Customers);
                    summary = await PopulationWriter.WriteAsync(options, directory, new SynchronousProgress(task), cancellationToken);
                });

            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
                "[green]{0:N0}[/] customers, [green]{1:N0}[/] events in {2:0.0} s ({3:N0} events/s) → {4}",
                summary!.Customers, summary.Events, summary.Elapsed.TotalSeconds, summary.EventsPerSecond, Markup.Escape(directory));
            return 0;
        });
        return command;
    }

    internal static int Fail(string message)
    {
        AnsiConsole.MarkupLine("[red]error:[/] {0}", Markup.Escape(message));
        return 2;
    }

    /// <summary>Reports straight into the task (Progress&lt;T&gt; would post to a thread pool).</summary>
    private sealed class SynchronousProgress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
