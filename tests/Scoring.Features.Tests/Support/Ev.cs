using Google.Protobuf.WellKnownTypes;
using Scoring.V1;

namespace Scoring.Features.Tests.Support;

/// <summary>Short builders for events in tests.</summary>
internal static class Ev
{
    public const string Customer = "cust-1";
    private static long s_next;

    public static DateTimeOffset At(int year, int month, int day, int hour = 12, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    public static string NextId() => "e-" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Event Base(DateTimeOffset t, string? id = null, string customer = Customer) =>
        new() { EventId = id ?? NextId(), CustomerId = customer, EventTime = Timestamp.FromDateTimeOffset(t) };

    public static Event Purchase(DateTimeOffset t, double amount, MerchantCategory category = MerchantCategory.Retail, bool online = false, bool crossBorder = false, string? id = null, string customer = Customer, TransactionKind kind = TransactionKind.Purchase)
    {
        var e = Base(t, id, customer);
        e.Transaction = new Transaction { Kind = kind, Amount = amount, Currency = "CNY", MerchantCategory = category, Online = online, CrossBorder = crossBorder };
        return e;
    }

    public static Event Login(DateTimeOffset t, bool success = true, string? id = null)
    {
        var e = Base(t, id);
        e.AppLogin = new AppLogin { Platform = AppPlatform.Ios, Success = success };
        return e;
    }

    public static Event Statement(DateTimeOffset t, double balance, DateTimeOffset due, string? id = null)
    {
        var e = Base(t, id);
        e.Statement = new Statement { Balance = balance, MinimumDue = balance * 0.1, DueDate = Timestamp.FromDateTimeOffset(due) };
        return e;
    }

    public static Event Repayment(DateTimeOffset t, double amount, double statementBalance, DateTimeOffset due, string? id = null)
    {
        var e = Base(t, id);
        e.Repayment = new Repayment { Amount = amount, StatementBalance = statementBalance, MinimumDue = statementBalance * 0.1, DueDate = Timestamp.FromDateTimeOffset(due) };
        return e;
    }

    public static Event Contact(DateTimeOffset t, string contactId, ContactKind kind, ContactAction action, string? id = null)
    {
        var e = Base(t, id);
        e.ServiceContact = new ServiceContact { ContactId = contactId, Kind = kind, Action = action, Topic = ContactTopic.Fees, Channel = Channel.CallCentre };
        return e;
    }

    public static Event Offer(DateTimeOffset t, string offerId, OfferOutcomeKind outcome, string? id = null)
    {
        var e = Base(t, id);
        e.OfferOutcome = new OfferOutcome { OfferId = offerId, Outcome = outcome, Channel = Channel.MobileApp };
        return e;
    }

    public static Event CardStatus(DateTimeOffset t, CardStatus status, string? id = null)
    {
        var e = Base(t, id);
        e.CardStatusChange = new CardStatusChange { Status = status };
        return e;
    }

    public static Event Limit(DateTimeOffset t, double limit, string? id = null)
    {
        var e = Base(t, id);
        e.CreditLimitChange = new CreditLimitChange { NewLimit = limit, Reason = CreditLimitChangeReason.BankInitiated };
        return e;
    }

    public static Profile Profile(DateTimeOffset open, double limit = 20000, string customer = Customer) => new()
    {
        CustomerId = customer,
        AgeBand = AgeBand._2534,
        IncomeBand = IncomeBand.Middle,
        CardProduct = CardProduct.Gold,
        CreditLimit = limit,
        OpenDate = Timestamp.FromDateTimeOffset(open),
        ProductsHeld = 3,
    };

    /// <summary>Options with a clock far in the future so that test events are never "in the future".</summary>
    public static ApplyOptions Options(TimeSpan? lateness = null) =>
        new() { Lateness = lateness ?? TimeSpan.FromDays(7), Clock = new StoppedClock(At(2100, 1, 1)) };

    public static float Feature(float[] v, string name) => v[FeatureCatalogue.IndexOf(name)];
}

/// <summary>A clock that stays where it is put.</summary>
internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
