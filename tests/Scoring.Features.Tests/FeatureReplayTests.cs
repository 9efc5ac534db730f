using Scoring.Features.Tests.Support;
using Scoring.V1;

namespace Scoring.Features.Tests;

public sealed class FeatureReplayTests
{
    [Fact]
    public void ComputeFeatures_AtTheEndOfTheLog_EqualsLiveApplyOfTheSameEvents()
    {
        var end = Ev.At(2025, 12, 31);
        var events = TypicalYear.Generate(end, seed: 11);
        var live = new CustomerState();
        foreach (var e in events)
        {
            live.Apply(e, Ev.Options());
        }

        var replayed = FeatureReplay.ComputeFeatures(Ev.Customer, events, null, end);
        Assert.Empty(ReferenceFeatures.Differences(replayed, live.ComputeFeatures(end)));
    }

    [Fact]
    public void ComputeFeatures_BeforeTheEnd_IgnoresLaterEventsAndOtherCustomers()
    {
        var events = new List<Event>
        {
            Ev.Purchase(Ev.At(2025, 3, 1), 10),
            Ev.Purchase(Ev.At(2025, 3, 2), 10, customer: "other"),
            Ev.Purchase(Ev.At(2025, 3, 10), 10),
        };
        var v = FeatureReplay.ComputeFeatures(Ev.Customer, events, null, Ev.At(2025, 3, 5));
        Assert.Equal(1, Ev.Feature(v, "txn_count_30d"));
        Assert.Equal(4, Ev.Feature(v, "days_since_last_txn"));
    }

    [Fact]
    public void ReplaySnapshots_ManyCustomersAndTimes_EachRowEqualsASingleCustomerReplay()
    {
        var end = Ev.At(2025, 12, 31);
        var log = Enumerable.Range(0, 6)
            .SelectMany(i => TypicalYear.Generate(end, seed: 100 + i, customer: $"c{i}"))
            .OrderBy(ReferenceFeatures.Time)
            .ToList();
        var profiles = new Dictionary<string, Profile>
        {
            ["c0"] = Ev.Profile(Ev.At(2019, 5, 5), customer: "c0"),
            ["late-opener"] = Ev.Profile(Ev.At(2025, 9, 1), customer: "late-opener"),
        };
        DateTimeOffset[] snapshots = [Ev.At(2025, 6, 30), Ev.At(2025, 3, 31), end];

        var rows = FeatureReplay.ReplaySnapshots(log, profiles, snapshots, new ReplayOptions { CustomerFilter = id => id != "c5" }).ToList();

        // c0..c4 at each snapshot, plus the profile-only customer once it is open.
        Assert.Equal((5 * 3) + 1, rows.Count);
        Assert.Equal(snapshots.Order(), rows.Select(r => r.AsOf).Distinct());
        Assert.DoesNotContain(rows, r => r.CustomerId == "c5");
        foreach (var row in rows)
        {
            var single = FeatureReplay.ComputeFeatures(row.CustomerId, log, profiles.GetValueOrDefault(row.CustomerId), row.AsOf);
            Assert.Empty(ReferenceFeatures.Differences(row.Features, single));
        }
    }
}
