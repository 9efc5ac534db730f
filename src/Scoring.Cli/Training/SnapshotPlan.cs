using Scoring.Features;
using Scoring.V1;

namespace Scoring.Cli.Training;

/// <summary>Monthly snapshot times and the event-derived facts the labels need.</summary>
internal static class SnapshotPlan
{
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(90);

    /// <summary>First and last event time of a log (one pass).</summary>
    public static (DateTimeOffset First, DateTimeOffset Last) Span(IEnumerable<CustomerLog> logs)
    {
        long first = long.MaxValue, last = long.MinValue;
        foreach (var log in logs)
        {
            foreach (var e in log.Events)
            {
                first = Math.Min(first, e.EventTime.Seconds);
                last = Math.Max(last, e.EventTime.Seconds);
            }
        }

        if (first == long.MaxValue)
        {
            throw new InvalidDataException("the event log is empty.");
        }

        return (DateTimeOffset.FromUnixTimeSeconds(first), DateTimeOffset.FromUnixTimeSeconds(last));
    }

    /// <summary>
    /// Month starts (UTC midnight) with at least <paramref name="history"/> before and
    /// <paramref name="horizon"/> of log after them, the latest <paramref name="count"/>.
    /// </summary>
    public static List<DateTimeOffset> Monthly(DateTimeOffset first, DateTimeOffset last, TimeSpan history, TimeSpan horizon, int count)
    {
        var times = new List<DateTimeOffset>();
        var month = new DateTimeOffset(first.Year, first.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        for (; month + horizon <= last; month = month.AddMonths(1))
        {
            if (month - first >= history)
            {
                times.Add(month);
            }
        }

        return times.Count > count ? times[^count..] : times;
    }

    public static bool IsActivity(Event e) =>
        e.Transaction is { Kind: TransactionKind.Purchase or TransactionKind.CashAdvance };

    public static bool IsClosure(Event e) =>
        e.CardStatusChange is { Status: CardStatus.ClosedByCustomer or CardStatus.ClosedByBank };

    /// <summary>The features of one customer at each snapshot, from events with event_time ≤ snapshot only.</summary>
    public static float[][] FeaturesAt(CustomerLog log, IReadOnlyList<DateTimeOffset> snapshots) =>
        snapshots.Select(s => FeatureReplay.ComputeFeatures(log.CustomerId, log.Events, log.Profile, s)).ToArray();
}
