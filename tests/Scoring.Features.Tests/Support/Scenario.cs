using Scoring.V1;

namespace Scoring.Features.Tests.Support;

/// <summary>
/// A random event history for property tests: events over up to ~16 months, delivered with
/// shuffles inside the lateness bound, some far beyond it, duplicate deliveries, distinct events
/// in the same second, times near UTC midnight, and read times after the last event.
/// </summary>
internal sealed record Scenario(List<Event> Arrival, Profile? Profile, List<DateTimeOffset> Reads, int Seed)
{
    public static readonly TimeSpan Lateness = TimeSpan.FromDays(7);

    public override string ToString() => $"seed {Seed}, {Arrival.Count} deliveries";

    public static Scenario Generate(int seed, int size)
    {
        var rng = new Random(seed);
        var start = Ev.At(2025, 1, 1, 0).AddDays(rng.Next(0, 60)).AddSeconds(rng.Next(0, 86400));
        var spanDays = rng.Next(1, 480);
        var n = Math.Max(1, size);
        var events = new List<(DateTimeOffset Time, Event E)>();
        DateTimeOffset RandomTime()
        {
            var t = start.AddSeconds(Math.Floor(rng.NextDouble() * spanDays * 86400));
            // A quarter of the events sit within a minute of UTC midnight to probe day edges.
            return rng.Next(4) == 0 ? new DateTimeOffset(t.UtcDateTime.Date, TimeSpan.Zero).AddSeconds(rng.Next(-60, 60)) : t;
        }

        string[] offers = ["o1", "o2", "o3"];
        var contacts = 0;
        for (var i = 0; i < n; i++)
        {
            var t = RandomTime();
            Event e;
            switch (rng.Next(100))
            {
                case < 40:
                    var kind = rng.Next(10) switch { 0 => TransactionKind.CashAdvance, 1 => TransactionKind.Refund, _ => TransactionKind.Purchase };
                    var category = (MerchantCategory)rng.Next(1, 11);
                    e = Ev.Purchase(t, Math.Round(rng.NextDouble() * 500, 2) + 0.01, category, rng.Next(3) == 0, rng.Next(10) == 0, kind: kind);
                    break;
                case < 60:
                    e = Ev.Login(t, rng.Next(6) != 0);
                    break;
                case < 67:
                    // Statements come monthly (as a card's do), at most a few not yet due at once.
                    t = start.AddDays(30 * rng.Next(0, (spanDays / 30) + 1)).AddSeconds(rng.Next(86400));
                    var due = t.AddDays(20);
                    var bal = Math.Round(rng.NextDouble() * 3000, 2);
                    e = Ev.Statement(t, bal, due);
                    if (rng.Next(3) != 0)
                    {
                        var paidAt = t.AddDays(rng.Next(5, 25)).AddSeconds(rng.Next(86400));
                        var paid = rng.Next(3) == 0 ? Math.Round(bal * 0.1, 2) + 0.01 : bal + 0.01;
                        events.Add((paidAt, Ev.Repayment(paidAt, paid, bal, due)));
                    }

                    break;
                case < 75:
                    var id = $"c{contacts++}";
                    var isComplaint = rng.Next(2) == 0;
                    e = Ev.Contact(t, id, isComplaint ? ContactKind.Complaint : ContactKind.Inquiry, ContactAction.Opened);
                    if (rng.Next(2) == 0)
                    {
                        var resolvedAt = t.AddDays(rng.Next(0, 30)).AddSeconds(rng.Next(1, 86400));
                        events.Add((resolvedAt, Ev.Contact(resolvedAt, id, isComplaint ? ContactKind.Complaint : ContactKind.Inquiry, ContactAction.Resolved)));
                    }

                    break;
                case < 90:
                    e = Ev.Offer(t, offers[rng.Next(offers.Length)], (OfferOutcomeKind)rng.Next(1, 4));
                    break;
                case < 95:
                    e = Ev.CardStatus(t, (CardStatus)rng.Next(1, 6));
                    break;
                default:
                    e = Ev.Limit(t, rng.Next(1, 100) * 1000);
                    break;
            }

            events.Add((t, e));
            if (rng.Next(20) == 0)
            {
                // A different event in the same second: must count separately.
                var twin = e.Clone();
                twin.EventId = Ev.NextId();
                events.Add((t, twin));
            }
        }

        // Delivery: sorted by time plus a random delay; mostly inside the bound, some far beyond.
        var deliveries = events
            .Select(x => (Key: x.Time.AddSeconds(rng.Next(3) == 0 ? rng.NextDouble() * 6.5 * 86400 : 0)
                .AddDays(rng.Next(40) == 0 ? rng.Next(8, 60) : 0), x.E))
            .OrderBy(x => x.Key)
            .Select(x => x.E)
            .ToList();
        for (var i = 0; i < deliveries.Count / 10; i++)
        {
            // Redelivery of an earlier event (same id), a little later in the stream.
            var at = rng.Next(deliveries.Count);
            deliveries.Insert(Math.Min(deliveries.Count, at + rng.Next(1, 30)), deliveries[at].Clone());
        }

        var profile = rng.Next(3) == 0 ? null : Ev.Profile(start.AddDays(-rng.Next(0, 2000)), rng.Next(1, 50) * 1000);
        var last = deliveries.Max(ReferenceFeatures.Time);
        var reads = new List<DateTimeOffset> { last, last.AddSeconds(rng.Next(0, 86400 * 3)), last.AddDays(rng.Next(0, 400)).AddSeconds(rng.Next(86400)) };
        return new Scenario(deliveries, profile, reads, seed);
    }
}
