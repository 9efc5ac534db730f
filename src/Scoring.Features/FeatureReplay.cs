using Scoring.Features.Internal;
using Scoring.V1;

namespace Scoring.Features;

/// <summary>One customer's feature vector at one snapshot time.</summary>
public sealed record FeatureRow(string CustomerId, DateTimeOffset AsOf, float[] Features);

/// <summary>Options for <see cref="FeatureReplay"/>.</summary>
public sealed class ReplayOptions
{
    /// <summary>The lateness bound, as in serving (default 7 days).</summary>
    public TimeSpan Lateness { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Only customers for which this returns true are replayed. A multi-snapshot replay keeps
    /// one state per customer and snapshot in memory; partition a large population with this
    /// (e.g. by a hash of the id) and make one pass per partition.
    /// </summary>
    public Func<string, bool>? CustomerFilter { get; init; }
}

/// <summary>
/// Offline feature computation with the serving code: the state for a snapshot time is built
/// from exactly the events with event_time &lt;= asOf, applied in arrival (log) order through
/// <see cref="CustomerState.Apply"/> with the same dedupe and lateness rules, and the vector is
/// computed with <see cref="CustomerState.ComputeFeatures(DateTimeOffset, Span{float})"/>. So a
/// model is trained on what serving would compute from the same events.
/// </summary>
public static class FeatureReplay
{
    /// <summary>The state of one customer as of <paramref name="asOf"/> from a log (other customers' events are skipped).</summary>
    public static CustomerState Replay(string customerId, IEnumerable<Event> log, Profile? profile, DateTimeOffset asOf, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(log);
        var apply = ApplyOptionsAt(asOf, options);
        var state = new CustomerState();
        if (profile is not null)
        {
            state.ApplyProfile(profile, apply);
        }

        foreach (var e in log)
        {
            if (e.CustomerId == customerId && IsAtOrBefore(e, asOf))
            {
                state.Apply(e, apply);
            }
        }

        return state;
    }

    /// <summary>The feature vector of one customer as of <paramref name="asOf"/>.</summary>
    public static float[] ComputeFeatures(string customerId, IEnumerable<Event> log, Profile? profile, DateTimeOffset asOf, ReplayOptions? options = null) =>
        Replay(customerId, log, profile, asOf, options).ComputeFeatures(asOf);

    /// <summary>
    /// One pass over a multi-customer log producing a row per customer and snapshot time, for
    /// every customer with an applied event or a profile opened by then. Rows come ordered by
    /// snapshot time, then customer id (ordinal).
    /// </summary>
    public static IEnumerable<FeatureRow> ReplaySnapshots(
        IEnumerable<Event> log,
        IReadOnlyDictionary<string, Profile> profiles,
        IReadOnlyList<DateTimeOffset> snapshotTimes,
        ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(snapshotTimes);
        var filter = options?.CustomerFilter;
        var snapshots = snapshotTimes.Order().ToArray();
        var applyOptions = snapshots.Select(s => ApplyOptionsAt(s, options)).ToArray();
        var states = new Dictionary<string, CustomerState?[]>(StringComparer.Ordinal);

        CustomerState?[] StatesOf(string id)
        {
            if (!states.TryGetValue(id, out var perSnapshot))
            {
                perSnapshot = new CustomerState?[snapshots.Length];
                states[id] = perSnapshot;
            }

            return perSnapshot;
        }

        foreach (var e in log)
        {
            if (filter is not null && !filter(e.CustomerId))
            {
                continue;
            }

            CustomerState?[]? perSnapshot = null;
            for (var k = snapshots.Length - 1; k >= 0 && IsAtOrBefore(e, snapshots[k]); k--)
            {
                perSnapshot ??= StatesOf(e.CustomerId);
                perSnapshot[k] ??= new CustomerState();
                perSnapshot[k]!.Apply(e, applyOptions[k]);
            }
        }

        return Rows(snapshots, applyOptions, states, profiles, filter);
    }

    private static IEnumerable<FeatureRow> Rows(
        DateTimeOffset[] snapshots,
        ApplyOptions[] applyOptions,
        Dictionary<string, CustomerState?[]> states,
        IReadOnlyDictionary<string, Profile> profiles,
        Func<string, bool>? filter)
    {
        var ids = states.Keys.Concat(profiles.Keys.Where(id => filter is null || filter(id)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        for (var k = 0; k < snapshots.Length; k++)
        {
            foreach (var id in ids)
            {
                var state = states.TryGetValue(id, out var perSnapshot) ? perSnapshot[k] : null;
                var hasEvents = state?.Watermark is not null;
                var profile = profiles.GetValueOrDefault(id);
                var opened = profile?.OpenDate is not null && profile.OpenDate.ToDateTimeOffset() <= snapshots[k];
                if (!hasEvents && !opened)
                {
                    continue;
                }

                state ??= new CustomerState();
                if (profile is not null)
                {
                    state.ApplyProfile(profile, applyOptions[k]);
                }

                yield return new FeatureRow(id, snapshots[k], state.ComputeFeatures(snapshots[k]));
            }
        }
    }

    private static bool IsAtOrBefore(Event e, DateTimeOffset asOf) =>
        e.EventTime is not null && e.EventTime.ToDateTimeOffset() <= asOf;

    private static ApplyOptions ApplyOptionsAt(DateTimeOffset asOf, ReplayOptions? options) =>
        new() { Lateness = options?.Lateness ?? TimeSpan.FromDays(7), Clock = new FixedClock(asOf) };
}
