using Google.Protobuf.WellKnownTypes;
using Scoring.Features;
using Scoring.V1;

namespace Scoring.Benchmarks.Features;

/// <summary>
/// A typical customer year (as sized in the features task: ~25 transactions and ~20 logins a
/// month, 12 statements and repayments, a few contacts and offers), deterministic.
/// </summary>
internal static class FeatureBenchmarkData
{
    public static readonly DateTimeOffset End = new(2025, 12, 31, 18, 0, 0, TimeSpan.Zero);

    // The clock sits at the end of time: the Apply benchmark moves events forward an hour per call.
    public static readonly ApplyOptions Options = new() { Clock = new Stopped(DateTimeOffset.MaxValue.AddDays(-1)) };

    public static CustomerState TypicalYearState(int seed = 1)
    {
        var state = new CustomerState();
        state.ApplyProfile(
            new Profile
            {
                CustomerId = "bench-1", AgeBand = AgeBand._3544, IncomeBand = IncomeBand.UpperMiddle, CardProduct = CardProduct.Gold,
                CreditLimit = 30000, OpenDate = Timestamp.FromDateTimeOffset(End.AddYears(-4)), ProductsHeld = 3,
            },
            Options);
        foreach (var e in TypicalYear(seed))
        {
            state.Apply(e, Options);
        }

        return state;
    }

    public static List<Event> TypicalYear(int seed)
    {
        var rng = new Random(seed);
        var start = End.AddDays(-365);
        var events = new List<Event>();
        var n = 0;
        Event Base(DateTimeOffset t) => new() { EventId = $"bench-{seed}-{n++}", CustomerId = "bench-1", EventTime = Timestamp.FromDateTimeOffset(t) };
        DateTimeOffset At() => start.AddSeconds(rng.NextDouble() * 365 * 86400);

        for (var i = 0; i < 300; i++)
        {
            var e = Base(At());
            e.Transaction = new Transaction
            {
                Kind = TransactionKind.Purchase, Amount = Math.Round(Math.Exp(3.5 + (rng.NextDouble() * 2.2)), 2), Currency = "CNY",
                MerchantCategory = (MerchantCategory)rng.Next(1, 11), Online = rng.NextDouble() < 0.3,
            };
            events.Add(e);
        }

        for (var i = 0; i < 240; i++)
        {
            var e = Base(At());
            e.AppLogin = new AppLogin { Platform = AppPlatform.Android, Success = rng.NextDouble() < 0.95 };
            events.Add(e);
        }

        for (var m = 0; m < 12; m++)
        {
            var issued = start.AddDays((m * 30.4) + 2);
            var due = Timestamp.FromDateTimeOffset(issued.AddDays(20));
            var balance = Math.Round(1500 + (rng.NextDouble() * 4000), 2);
            var s = Base(issued);
            s.Statement = new Statement { Balance = balance, MinimumDue = balance / 10, DueDate = due };
            var r = Base(issued.AddDays(15));
            r.Repayment = new Repayment { Amount = balance, StatementBalance = balance, MinimumDue = balance / 10, DueDate = due };
            events.Add(s);
            events.Add(r);
        }

        for (var i = 0; i < 24; i++)
        {
            var e = Base(At());
            e.OfferOutcome = new OfferOutcome { OfferId = $"offer-{i % 3}", Outcome = i % 4 == 0 ? OfferOutcomeKind.Declined : OfferOutcomeKind.Shown, Channel = Channel.MobileApp };
            events.Add(e);
        }

        for (var i = 0; i < 4; i++)
        {
            var e = Base(At());
            e.ServiceContact = new ServiceContact { ContactId = $"c-{i}", Kind = i < 2 ? ContactKind.Complaint : ContactKind.Inquiry, Action = ContactAction.Opened, Channel = Channel.CallCentre };
            events.Add(e);
        }

        return [.. events.Where(e => e.EventTime.ToDateTimeOffset() <= End).OrderBy(e => e.EventTime.ToDateTimeOffset())];
    }

    private sealed class Stopped(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
