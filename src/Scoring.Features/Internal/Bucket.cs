using System.Runtime.CompilerServices;

namespace Scoring.Features.Internal;

/// <summary>Counters kept per UTC day (recent) or per calendar month (older). Amounts in cents.</summary>
internal static class BucketField
{
    public const int TxnCount = 0;        // purchases + cash advances
    public const int TxnCents = 1;
    public const int DiningCents = 2;     // 2..6: merchant categories, mutually exclusive per transaction
    public const int TravelCents = 3;
    public const int FuelCents = 4;
    public const int GroceryCents = 5;
    public const int EntertainmentCents = 6;
    public const int OnlineCents = 7;     // card-not-present
    public const int CrossBorderCents = 8;
    public const int CashAdvances = 9;
    public const int RefundCents = 10;
    public const int LateRepayments = 11;
    public const int MinOnlyRepayments = 12;
    public const int Contacts = 13;       // opened, any kind
    public const int Complaints = 14;     // opened complaints
    public const int Logins = 15;         // successful
    public const int FailedLogins = 16;
    public const int OffersShown = 17;
    public const int OffersAccepted = 18;
    public const int OffersDeclined = 19;
    public const int Count = 20;
}

[InlineArray(BucketField.Count)]
internal struct BucketValues
{
    private long _element0;
}

/// <summary>A day (Key = DateOnly.DayNumber) or a month (Key = year * 12 + month - 1).</summary>
internal struct Bucket
{
    public int Key;
    public BucketValues Values;

    public Bucket(int key)
    {
        Key = key;
        Values = default;
    }
}

/// <summary>UTC day and month arithmetic on DateOnly day numbers.</summary>
internal static class Days
{
    public const int None = int.MinValue;
    public const long NoTime = long.MinValue;
    private const long MsPerDay = 86_400_000;
    private static readonly int s_unixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    public static int OfUnixMs(long ms)
    {
        var q = ms / MsPerDay;
        if (ms % MsPerDay < 0)
        {
            q--; // floor, not truncation, for times before 1970
        }

        return (int)q + s_unixEpochDay;
    }

    public static int Of(DateTimeOffset t) => OfUnixMs(t.ToUnixTimeMilliseconds());

    public static int MonthOf(int day)
    {
        var d = DateOnly.FromDayNumber(day);
        return (d.Year * 12) + d.Month - 1;
    }

    public static int FirstDayOfMonth(int month) => new DateOnly(month / 12, (month % 12) + 1, 1).DayNumber;

    public static int LastDayOfMonth(int month) => FirstDayOfMonth(month + 1) - 1;

    /// <summary>The day a monthly bucket counts as in windows: its 15th.</summary>
    public static int MidDayOfMonth(int month) => FirstDayOfMonth(month) + 14;
}
