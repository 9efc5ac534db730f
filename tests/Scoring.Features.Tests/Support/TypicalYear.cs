using Scoring.V1;

namespace Scoring.Features.Tests.Support;

/// <summary>
/// A typical year of one customer, as the task sizes it: about 25 transactions and 20 logins a
/// month, 12 statements and repayments, a few contacts and offers. Deterministic per seed,
/// in time order.
/// </summary>
internal static class TypicalYear
{
    private static readonly MerchantCategory[] s_categories =
    [
        MerchantCategory.Dining, MerchantCategory.Grocery, MerchantCategory.Retail, MerchantCategory.Fuel,
        MerchantCategory.Entertainment, MerchantCategory.Travel, MerchantCategory.Utilities, MerchantCategory.Other,
    ];

    public static List<Event> Generate(DateTimeOffset end, int seed, string customer = Ev.Customer)
    {
        var rng = new Random(seed);
        var start = end.AddDays(-365);
        var events = new List<Event>();
        DateTimeOffset RandomTime() => start.AddSeconds(rng.NextDouble() * 365 * 86400);

        for (var i = 0; i < 25 * 12; i++)
        {
            var amount = Math.Round(Math.Exp(3.5 + (rng.NextDouble() * 2.2)), 2); // ~33 to ~300
            var category = s_categories[rng.Next(s_categories.Length)];
            events.Add(Ev.Purchase(RandomTime(), amount, category, online: rng.NextDouble() < 0.3, crossBorder: rng.NextDouble() < 0.03, customer: customer));
        }

        for (var i = 0; i < 20 * 12; i++)
        {
            var e = Ev.Login(RandomTime(), success: rng.NextDouble() < 0.95);
            e.CustomerId = customer;
            events.Add(e);
        }

        for (var m = 0; m < 12; m++)
        {
            var issued = start.AddDays((m * 30.4) + 2);
            var due = issued.AddDays(20);
            var balance = Math.Round(1500 + (rng.NextDouble() * 4000), 2);
            var paid = rng.NextDouble() < 0.8 ? balance : Math.Round(balance * 0.1, 2);
            var paidAt = rng.NextDouble() < 0.9 ? due.AddDays(-rng.Next(1, 10)) : due.AddDays(rng.Next(1, 5));
            var s = Ev.Statement(issued, balance, due);
            var r = Ev.Repayment(paidAt, paid, balance, due);
            s.CustomerId = r.CustomerId = customer;
            events.Add(s);
            events.Add(r);
        }

        string[] offers = ["bill_instalment", "points_bonus", "annual_fee_waiver"];
        for (var i = 0; i < 24; i++)
        {
            var offer = offers[rng.Next(offers.Length)];
            var t = RandomTime();
            events.Add(Ev.Offer(t, offer, OfferOutcomeKind.Shown));
            if (i % 4 == 0)
            {
                events.Add(Ev.Offer(t.AddMinutes(2), offer, i % 8 == 0 ? OfferOutcomeKind.Accepted : OfferOutcomeKind.Declined));
            }
        }

        for (var i = 0; i < 4; i++)
        {
            var t = RandomTime();
            var kind = i < 2 ? ContactKind.Complaint : ContactKind.Inquiry;
            events.Add(Ev.Contact(t, $"c{seed}-{i}", kind, ContactAction.Opened));
            if (i == 0)
            {
                events.Add(Ev.Contact(t.AddDays(3), $"c{seed}-{i}", kind, ContactAction.Resolved));
            }
        }

        events.Add(Ev.Limit(RandomTime(), 30000));
        foreach (var e in events)
        {
            e.CustomerId = customer;
        }

        return [.. events.Where(e => e.EventTime.ToDateTimeOffset() <= end).OrderBy(e => e.EventTime.ToDateTimeOffset())];
    }
}
