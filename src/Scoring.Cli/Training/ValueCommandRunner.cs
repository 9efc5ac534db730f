using System.Globalization;
using System.Text;
using Scoring.Features;
using Scoring.Models.Evaluator;
using Scoring.Models.Xgb;
using Scoring.V1;

namespace Scoring.Cli.Training;

/// <summary>
/// `scoring train value`: predicts a 12-month revenue proxy after the snapshot
/// (interchange 1.5% of purchases net of refunds + interest 1.5%/month on the unpaid part of
/// each statement + 1% cash-advance fees + late fees of 50), and cuts the value tiers from
/// the predictions at the tier shares of the README's "The business it serves" (HNW 3%, Potential 20%, Mass 50%, Basic 27%).
/// </summary>
internal static class ValueCommandRunner
{
    public const string LabelDefinition = "revenue proxy over the 365 days after the snapshot: 1.5% of purchases net of refunds + 1.5%/month interest on the unpaid part of each statement + 1% of cash advances + 50 per late repayment.";
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(365);
    private static readonly double[] TierShares = [0.03, 0.20, 0.50];

    public static async Task<string> RunAsync(string eventsPath, string profilesPath, string outDirectory, int seed, CancellationToken cancellationToken)
    {
        var profiles = CustomerLogs.LoadProfiles(profilesPath);
        var (first, last) = SnapshotPlan.Span(CustomerLogs.Read(eventsPath, profiles));
        var snapshot = SnapshotPlan.Monthly(first, last, TimeSpan.FromDays(150), Horizon, 1);
        if (snapshot.Count == 0)
        {
            throw new InvalidOperationException("--events: value needs 150 days of history and 365 days after the snapshot; generate with --months 18 or more.");
        }

        var s = snapshot[0];
        var rows = await Commands.TrainCommand.WithProgressAsync("replaying customers", profiles.Count, progress =>
            Task.Run(() => CustomerLogs.MapParallel(CustomerLogs.Read(eventsPath, profiles), log => Row(log, s), progress, cancellationToken), cancellationToken));

        var names = Commands.TrainCommand.CatalogueNames;
        var all = new Dataset(names, rows.SelectMany(r => r.Features).ToArray(), rows.Select(r => (float)r.Target).ToArray());
        var isTest = rows.Select(r => ChurnTraining.IsValidationCustomer(r.CustomerId, (ulong)seed + 7)).ToArray();
        var isValid = rows.Select(r => ChurnTraining.IsValidationCustomer(r.CustomerId, (ulong)seed)).ToArray();
        var test = all.Select(Enumerable.Range(0, rows.Count).Where(i => isTest[i]).ToArray());
        var validation = all.Select(Enumerable.Range(0, rows.Count).Where(i => !isTest[i] && isValid[i]).ToArray());
        var train = all.Select(Enumerable.Range(0, rows.Count).Where(i => !isTest[i] && !isValid[i]).ToArray());
        var testPast = Enumerable.Range(0, rows.Count).Where(i => isTest[i]).Select(i => rows[i].PastRevenue).ToArray();

        var parameters = new XgbTrainingParameters
        {
            Objective = "reg:tweedie",
            TweedieVariancePower = 1.5,
            MaxDepth = 5,
            Eta = 0.08,
            Rounds = 800,
            Subsample = 0.8,
            ColsampleByTree = 0.8,
            MinChildWeight = 5,
            Seed = seed,
            EarlyStoppingRounds = 30,
        };
        var model = BoostedModel.Train(parameters, train, validation, cancellationToken);
        var predicted = model.Predict(test);
        var trainPredicted = model.Predict(train);
        var actual = test.Labels.Select(l => (double)l).ToArray();
        var thresholds = TierThresholds(trainPredicted);
        var modelStats = RegressionStats.Of(actual, predicted);
        var baselineStats = RegressionStats.Of(actual, testPast);
        var importance = GainImportance.FromModelJson(model.ModelJson, names);

        Directory.CreateDirectory(outDirectory);
        var report = Report(s, train, validation, test, modelStats, baselineStats, thresholds, actual, predicted, importance, model);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, EvaluationReport.FileName), report, cancellationToken);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["test_rows"] = test.Rows,
            ["rmse"] = Math.Round(modelStats.Rmse, 3),
            ["mae"] = Math.Round(modelStats.Mae, 3),
            ["r2"] = Math.Round(modelStats.R2, 5),
            ["spearman"] = Math.Round(modelStats.Spearman, 5),
            ["baseline_rmse"] = Math.Round(baselineStats.Rmse, 3),
            ["baseline_r2"] = Math.Round(baselineStats.R2, 5),
            ["baseline_spearman"] = Math.Round(baselineStats.Spearman, 5),
        };
        // Ascending cut points: Basic below the first, Mass from it, Potential from the second, HNW from the third.
        double[] cuts = [Math.Round(thresholds[2], 2), Math.Round(thresholds[1], 2), Math.Round(thresholds[0], 2)];
        var served = new ServedModel("value", Scoring.V1.ModelKind.Value, null, ChurnTraining.FeatureTypes,
            new Scoring.Models.Packages.TrainingWindow(DateOnly.FromDateTime(first.UtcDateTime), DateOnly.FromDateTime((s + Horizon).UtcDateTime)),
            new Scoring.Models.Packages.SnapshotInfo("value-train", s, train.Rows), metrics, TierCutPoints: cuts);
        PackageOutput.WriteServed(outDirectory, served, model.ModelJson, test);
        return string.Create(CultureInfo.InvariantCulture, $"test R² {modelStats.R2:0.000}, Spearman {modelStats.Spearman:0.000} (last-year baseline R² {baselineStats.R2:0.000}, Spearman {baselineStats.Spearman:0.000}) → {outDirectory}");
    }

    private sealed record ValueRow(string CustomerId, float[] Features, double Target, double PastRevenue);

    private static IEnumerable<ValueRow> Row(CustomerLog log, DateTimeOffset s)
    {
        if (log.Profile?.OpenDate is { } open && open.ToDateTimeOffset() > s)
        {
            yield break;
        }

        var sSeconds = s.ToUnixTimeSeconds();
        if (log.Events.Any(e => e.EventTime.Seconds <= sSeconds && SnapshotPlan.IsClosure(e)))
        {
            yield break;
        }

        var features = FeatureReplay.ComputeFeatures(log.CustomerId, log.Events, log.Profile, s);
        var future = Revenue(log.Events, sSeconds, (s + Horizon).ToUnixTimeSeconds());
        var past = Revenue(log.Events, (s - Horizon).ToUnixTimeSeconds(), sSeconds);
        yield return new ValueRow(log.CustomerId, features, future, past);
    }

    /// <summary>The revenue proxy of events with event_time in (from, to].</summary>
    internal static double Revenue(IEnumerable<Event> events, long from, long to)
    {
        var revenue = 0.0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var t = e.EventTime.Seconds;
            if (t <= from || t > to || !seen.Add(e.EventId))
            {
                continue; // outside the window, or a redelivered duplicate
            }

            switch (e.PayloadCase)
            {
                case Event.PayloadOneofCase.Transaction:
                    revenue += e.Transaction.Kind switch
                    {
                        TransactionKind.Purchase => 0.015 * e.Transaction.Amount,
                        TransactionKind.Refund => -0.015 * e.Transaction.Amount,
                        TransactionKind.CashAdvance => 0.01 * e.Transaction.Amount,
                        _ => 0,
                    };
                    break;
                case Event.PayloadOneofCase.Repayment:
                    var r = e.Repayment;
                    revenue += 0.015 * Math.Max(0, r.StatementBalance - r.Amount);
                    if (r.DueDate is not null && t > r.DueDate.Seconds)
                    {
                        revenue += 50;
                    }

                    break;
            }
        }

        return Math.Max(0, revenue);
    }

    private static double[] TierThresholds(double[] predictions)
    {
        var sorted = predictions.OrderDescending().ToArray();
        var thresholds = new double[TierShares.Length];
        var cumulative = 0.0;
        for (var i = 0; i < TierShares.Length; i++)
        {
            cumulative += TierShares[i];
            thresholds[i] = sorted[Math.Clamp((int)(cumulative * sorted.Length) - 1, 0, sorted.Length - 1)];
        }

        return thresholds;
    }

    private static string Report(DateTimeOffset s, Dataset train, Dataset validation, Dataset test, RegressionStats model, RegressionStats baseline,
        double[] thresholds, double[] actual, double[] predicted, List<(string Feature, double Gain)> importance, BoostedModel boosted)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"# Value model\n\nTarget: {LabelDefinition}\n\nSnapshot {s:yyyy-MM-dd}; customers split by id: {train.Rows:N0} training, {validation.Rows:N0} early-stopping, {test.Rows:N0} test. XGBoost reg:tweedie (power 1.5), {boosted.Result.Rounds} rounds.\n\n");
        sb.Append("## Held-out metrics\n\n| metric | model | baseline (last 12 months' revenue) |\n|---|---|---|\n");
        sb.Append(c, $"| RMSE | {model.Rmse:0.00} | {baseline.Rmse:0.00} |\n| MAE | {model.Mae:0.00} | {baseline.Mae:0.00} |\n| R² | {model.R2:0.000} | {baseline.R2:0.000} |\n| Spearman | {model.Spearman:0.000} | {baseline.Spearman:0.000} |\n\n");
        sb.Append("## Actual revenue by predicted decile (highest first)\n\n| decile | mean predicted | mean actual |\n|---|---|---|\n");
        var order = Enumerable.Range(0, predicted.Length).OrderByDescending(i => predicted[i]).ToArray();
        for (var d = 0; d < 10; d++)
        {
            var slice = order[(d * order.Length / 10)..((d + 1) * order.Length / 10)];
            sb.Append(c, $"| {d + 1} | {slice.Average(i => predicted[i]):0.00} | {slice.Average(i => actual[i]):0.00} |\n");
        }

        sb.Append(c, $"\n## Tier cuts (from training predictions)\n\n| tier | predicted 12-month revenue |\n|---|---|\n| HNW (top 3%) | ≥ {thresholds[0]:0.00} |\n| Potential (next 20%) | ≥ {thresholds[1]:0.00} |\n| Mass (next 50%) | ≥ {thresholds[2]:0.00} |\n| Basic | below |\n\n");
        sb.Append("## Feature importance (gain share)\n\n| feature | share |\n|---|---|\n");
        var total = importance.Sum(i => i.Gain);
        foreach (var (f, g) in importance.Take(20))
        {
            sb.Append(c, $"| {f} | {100 * g / total:0.0}% |\n");
        }

        return sb.ToString();
    }
}

/// <summary>Regression quality on the original scale.</summary>
internal sealed record RegressionStats(double Rmse, double Mae, double R2, double Spearman)
{
    public static RegressionStats Of(double[] actual, double[] predicted)
    {
        var n = actual.Length;
        var mean = actual.Average();
        double se = 0, ae = 0, tot = 0;
        for (var i = 0; i < n; i++)
        {
            se += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            ae += Math.Abs(actual[i] - predicted[i]);
            tot += (actual[i] - mean) * (actual[i] - mean);
        }

        return new RegressionStats(Math.Sqrt(se / n), ae / n, 1 - (se / tot), Pearson(Ranks(actual), Ranks(predicted)));
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j < order.Length && values[order[j]] == values[order[i]])
            {
                j++;
            }

            for (var k = i; k < j; k++)
            {
                ranks[order[k]] = (i + j - 1) / 2.0; // ties share the mean rank
            }

            i = j;
        }

        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }
}
