using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Scoring.Features.Internal;
using Scoring.Features.Validation;
using Scoring.V1;
using F = Scoring.Features.Internal.FeatureIndex;

namespace Scoring.Features;

/// <summary>
/// One customer's aggregation state: everything needed to compute the catalogue's features at
/// any read time, kept compact enough to store per customer (see <see cref="Serialize"/>).
/// <para>Time model. The watermark is the newest event time applied. Counters live in UTC day
/// buckets while their calendar month ends within <see cref="DailyHorizonDays"/> days of the
/// watermark's day, and in calendar-month buckets after that (a month bucket counts in a window
/// when its 15th lies in the window). Month buckets whose 15th is more than 364 days before the
/// watermark's day are dropped: no read at or after the watermark can use them.</para>
/// <para>Idempotency. The 64-bit hashes of applied event ids are kept while their event day is
/// not older than the day of (watermark - lateness); an event older than that is Late anyway.</para>
/// Not thread-safe: one writer at a time (the Redis store serialises writers per customer with
/// compare-and-set).
/// </summary>
public sealed class CustomerState
{
    /// <summary>First byte of the serialized form. Bump on any layout change and keep a reader.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Minimum number of days (ending with the watermark's day) kept at day granularity.</summary>
    public const int DailyHorizonDays = 184;

    /// <summary>Largest lateness bound accepted: late events must still land in a daily bucket.</summary>
    public static readonly TimeSpan MaxLateness = TimeSpan.FromDays(150);

    private const int MaxStatements = 12;
    private const int MaxComplaints = 64;
    private const int MaxOffers = 32;
    private const int MaxOfferShows = 64;
    private const int OfferShowDays = 90;
    private const long OfferKeepMs = 180L * 86_400_000;
    private const byte ComplaintOpened = 1;
    private const byte ComplaintResolved = 2;

    [ThreadStatic]
    private static byte[]? t_scratch;

    private long _watermarkMs = Days.NoTime;
    private int _lastTxnDay = Days.None;
    private int _lastLoginDay = Days.None;
    private bool _hasProfile;
    private int _ageBand;
    private int _incomeBand;
    private int _cardProduct;
    private int _productsHeld;
    private int _openDay;
    private long _profileLimitCents;
    private long _limitMs = Days.NoTime;
    private long _limitCents;
    private long _statementMs = Days.NoTime;
    private long _statementCents;
    private long _cardStatusMs = Days.NoTime;
    private int _cardStatus;
    private readonly List<Bucket> _days = [];
    private readonly List<Bucket> _months = [];
    private readonly List<StatementRecord> _statements = [];
    private readonly List<ComplaintEntry> _complaints = [];
    private readonly List<OfferEntry> _offers = [];
    private readonly Dictionary<ulong, int> _seen = [];

    /// <summary>The newest event time applied, or null before the first event.</summary>
    public DateTimeOffset? Watermark => _watermarkMs == Days.NoTime ? null : DateTimeOffset.FromUnixTimeMilliseconds(_watermarkMs);

    /// <summary>True once a profile has been applied.</summary>
    public bool HasProfile => _hasProfile;

    internal int SeenIdCount => _seen.Count;

    internal int DayBucketCount => _days.Count;

    internal int MonthBucketCount => _months.Count;

    /// <summary>
    /// Validates and applies one event. Nothing changes unless the result is Applied. Order of
    /// checks: Invalid, then Late (event time before watermark - lateness), then Duplicate.
    /// </summary>
    public ApplyResult Apply(Event e, ApplyOptions? options = null)
    {
        options ??= ApplyOptions.Default;
        if (options.Lateness < TimeSpan.Zero || options.Lateness > MaxLateness)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Lateness, "Lateness must be between 0 and 150 days.");
        }

        if (EventValidator.Validate(e, options.Clock, options.MaxClockSkew) is { } error)
        {
            return ApplyResult.Invalid(error);
        }

        var t = ToUnixMs(e.EventTime.Seconds, e.EventTime.Nanos);
        var latenessMs = (long)options.Lateness.TotalMilliseconds;
        if (_watermarkMs != Days.NoTime && t < _watermarkMs - latenessMs)
        {
            return ApplyResult.Late;
        }

        var id = Hash64.Of(e.EventId);
        if (_seen.ContainsKey(id))
        {
            return ApplyResult.Duplicate;
        }

        var day = Days.OfUnixMs(t);
        switch (e.PayloadCase)
        {
            case Event.PayloadOneofCase.Transaction:
                ApplyTransaction(e.Transaction, day);
                break;
            case Event.PayloadOneofCase.Repayment:
                ApplyRepayment(e.Repayment, t, day);
                break;
            case Event.PayloadOneofCase.Statement:
                ApplyStatement(e.Statement, t);
                break;
            case Event.PayloadOneofCase.CreditLimitChange:
                var limit = Cents(e.CreditLimitChange.NewLimit);
                if (IsNewer(t, limit, _limitMs, _limitCents))
                {
                    (_limitMs, _limitCents) = (t, limit);
                }

                break;
            case Event.PayloadOneofCase.AppLogin:
                if (e.AppLogin.Success)
                {
                    Add(day, BucketField.Logins, 1);
                    _lastLoginDay = Math.Max(_lastLoginDay, day);
                }
                else
                {
                    Add(day, BucketField.FailedLogins, 1);
                }

                break;
            case Event.PayloadOneofCase.ServiceContact:
                ApplyContact(e.ServiceContact, day);
                break;
            case Event.PayloadOneofCase.CardStatusChange:
                var status = (int)e.CardStatusChange.Status;
                if (IsNewer(t, status, _cardStatusMs, _cardStatus))
                {
                    (_cardStatusMs, _cardStatus) = (t, status);
                }

                break;
            case Event.PayloadOneofCase.OfferOutcome:
                ApplyOffer(e.OfferOutcome, t, day);
                break;
            default:
                throw new System.Diagnostics.UnreachableException("validated payload");
        }

        _seen[id] = day;
        if (_watermarkMs == Days.NoTime || t > _watermarkMs)
        {
            var oldDay = _watermarkMs == Days.NoTime ? Days.None : Days.OfUnixMs(_watermarkMs);
            _watermarkMs = t;
            if (day != oldDay)
            {
                Advance(latenessMs);
            }
        }

        return ApplyResult.Applied;
    }

    /// <summary>Validates and sets the profile (replacing any earlier one). Invalid changes nothing.</summary>
    public ApplyResult ApplyProfile(Profile profile, ApplyOptions? options = null)
    {
        options ??= ApplyOptions.Default;
        if (EventValidator.ValidateProfile(profile, options.Clock) is { } error)
        {
            return ApplyResult.Invalid(error);
        }

        _hasProfile = true;
        _ageBand = (int)profile.AgeBand;
        _incomeBand = (int)profile.IncomeBand;
        _cardProduct = (int)profile.CardProduct;
        _productsHeld = profile.ProductsHeld;
        _openDay = Days.OfUnixMs(ToUnixMs(profile.OpenDate.Seconds, profile.OpenDate.Nanos));
        _profileLimitCents = Cents(profile.CreditLimit);
        return ApplyResult.Applied;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> (at least <see cref="FeatureCatalogue.Count"/> long) with
    /// the catalogue's features evaluated at <paramref name="asOf"/>: an N-day window is the N UTC
    /// days ending with asOf's UTC day, whatever the watermark. Allocates nothing.
    /// </summary>
    public void ComputeFeatures(DateTimeOffset asOf, Span<float> destination)
    {
        if (destination.Length < FeatureCatalogue.Count)
        {
            throw new ArgumentException($"Destination must hold {FeatureCatalogue.Count} features.", nameof(destination));
        }

        var d = Days.Of(asOf);
        var w = new Windows();
        foreach (ref var b in CollectionsMarshal.AsSpan(_days))
        {
            w.Accumulate(d - b.Key, ref b.Values);
        }

        foreach (ref var b in CollectionsMarshal.AsSpan(_months))
        {
            w.Accumulate(d - Days.MidDayOfMonth(b.Key), ref b.Values);
        }

        var dest = destination;
        dest[F.DaysSinceLastTxn] = _lastTxnDay == Days.None ? float.NaN : Math.Max(0, d - _lastTxnDay);
        dest[F.TxnCount7] = w.W7[BucketField.TxnCount];
        dest[F.TxnAmount7] = Money(w.W7[BucketField.TxnCents]);
        dest[F.TxnCount30] = w.W30[BucketField.TxnCount];
        dest[F.TxnAmount30] = Money(w.W30[BucketField.TxnCents]);
        dest[F.TxnCount90] = w.W90[BucketField.TxnCount];
        dest[F.TxnAmount90] = Money(w.W90[BucketField.TxnCents]);
        dest[F.TxnCount365] = w.W365[BucketField.TxnCount];
        dest[F.TxnAmount365] = Money(w.W365[BucketField.TxnCents]);
        dest[F.AmountChng90] = Ratio(w.W90[BucketField.TxnCents], w.Prev90[BucketField.TxnCents]);
        dest[F.CountChng90] = Ratio(w.W90[BucketField.TxnCount], w.Prev90[BucketField.TxnCount]);
        dest[F.AmountChngQ4Q1] = Ratio(w.W90[BucketField.TxnCents], w.Q1[BucketField.TxnCents]);
        dest[F.CountChngQ4Q1] = Ratio(w.W90[BucketField.TxnCount], w.Q1[BucketField.TxnCount]);
        var inactive = 0;
        for (var i = 0; i < 12; i++)
        {
            inactive += w.Periods[i] == 0 ? 1 : 0;
        }

        dest[F.MonthsInactive12] = inactive;
        var amount90 = w.W90[BucketField.TxnCents];
        dest[F.ShareDining] = Ratio(w.W90[BucketField.DiningCents], amount90);
        dest[F.ShareTravel] = Ratio(w.W90[BucketField.TravelCents], amount90);
        dest[F.ShareFuel] = Ratio(w.W90[BucketField.FuelCents], amount90);
        dest[F.ShareGrocery] = Ratio(w.W90[BucketField.GroceryCents], amount90);
        dest[F.ShareOnline] = Ratio(w.W90[BucketField.OnlineCents], amount90);
        dest[F.ShareEntertainment] = Ratio(w.W90[BucketField.EntertainmentCents], amount90);
        dest[F.ShareCrossBorder] = Ratio(w.W90[BucketField.CrossBorderCents], amount90);
        dest[F.AvgTicket90] = w.W90[BucketField.TxnCount] == 0 ? float.NaN : (float)(amount90 / 100.0 / w.W90[BucketField.TxnCount]);
        dest[F.CashAdvances90] = w.W90[BucketField.CashAdvances];
        dest[F.RefundAmount90] = Money(w.W90[BucketField.RefundCents]);

        var hasLimit = _limitMs != Days.NoTime || _hasProfile;
        var limitCents = _limitMs != Days.NoTime ? _limitCents : _profileLimitCents;
        var hasBalance = _statementMs != Days.NoTime;
        dest[F.RevolvingBalance] = hasBalance ? Money(_statementCents) : float.NaN;
        dest[F.CreditLimit] = hasLimit ? Money(limitCents) : float.NaN;
        dest[F.Utilisation] = hasLimit && hasBalance ? Ratio(_statementCents, limitCents) : float.NaN;
        dest[F.OpenToBuy] = hasLimit && hasBalance ? Money(limitCents - _statementCents) : float.NaN;
        dest[F.PaymentRatio] = PaymentRatio(d);
        dest[F.LatePayments12] = w.W365[BucketField.LateRepayments];
        dest[F.MinOnlyPayments12] = w.W365[BucketField.MinOnlyRepayments];
        dest[F.Contacts90] = w.W90[BucketField.Contacts];
        dest[F.Contacts365] = w.W365[BucketField.Contacts];
        dest[F.Complaints90] = w.W90[BucketField.Complaints];
        dest[F.Complaints365] = w.W365[BucketField.Complaints];
        var unresolved = 0;
        foreach (ref var c in CollectionsMarshal.AsSpan(_complaints))
        {
            unresolved += c.Flags == ComplaintOpened ? 1 : 0;
        }

        dest[F.UnresolvedComplaints] = unresolved;
        dest[F.AppLogins30] = w.W30[BucketField.Logins];
        dest[F.FailedLogins30] = w.W30[BucketField.FailedLogins];
        dest[F.DaysSinceLastLogin] = _lastLoginDay == Days.None ? float.NaN : Math.Max(0, d - _lastLoginDay);
        dest[F.OffersShown30] = w.W30[BucketField.OffersShown];
        dest[F.OffersAccepted30] = w.W30[BucketField.OffersAccepted];
        dest[F.OffersDeclined30] = w.W30[BucketField.OffersDeclined];
        dest[F.MonthsOnBook] = _hasProfile ? MonthsBetween(_openDay, d) : float.NaN;
        dest[F.ProductsHeld] = _hasProfile ? _productsHeld : float.NaN;
        dest[F.AgeBand] = Code(_ageBand);
        dest[F.IncomeBand] = Code(_incomeBand);
        dest[F.CardProduct] = Code(_cardProduct);
        dest[F.CardClosed] = _cardStatus is (int)CardStatus.ClosedByCustomer or (int)CardStatus.ClosedByBank ? 1 : 0;
        dest[F.CardBlocked] = _cardStatus is (int)CardStatus.Blocked or (int)CardStatus.LostStolen ? 1 : 0;
    }

    /// <summary>Convenience: a new vector evaluated at <paramref name="asOf"/>.</summary>
    public float[] ComputeFeatures(DateTimeOffset asOf)
    {
        var v = new float[FeatureCatalogue.Count];
        ComputeFeatures(asOf, v);
        return v;
    }

    /// <summary>The customer's contact history with one offer, evaluated at <paramref name="asOf"/>.</summary>
    public OfferContactHistory GetOfferHistory(string offerId, DateTimeOffset asOf) => GetOfferHistory(new OfferKey(offerId), asOf);

    /// <summary>The customer's contact history with one offer, evaluated at <paramref name="asOf"/>.</summary>
    public OfferContactHistory GetOfferHistory(in OfferKey offer, DateTimeOffset asOf)
    {
        var offerId = offer.Id ?? throw new ArgumentException("The offer key is empty.", nameof(offer));
        var h = offer.Hash;
        var d = Days.Of(asOf);
        foreach (var o in _offers)
        {
            if (o.Hash != h)
            {
                continue;
            }

            int s7 = 0, s30 = 0, s90 = 0;
            foreach (var day in o.ShownDays)
            {
                var age = d - day;
                if (age is < 0 or >= OfferShowDays)
                {
                    continue;
                }

                s90++;
                s30 += age < 30 ? 1 : 0;
                s7 += age < 7 ? 1 : 0;
            }

            return new OfferContactHistory(offerId, s7, s30, s90, Time(o.LastShownMs), Time(o.LastAcceptedMs), Time(o.LastDeclinedMs));
        }

        return new OfferContactHistory(offerId, 0, 0, 0, null, null, null);
    }

    // ---- apply ----

    private void ApplyTransaction(Transaction tx, int day)
    {
        var cents = Cents(tx.Amount);
        ref var b = ref Target(day);
        if (tx.Kind == TransactionKind.Refund)
        {
            if (!Unsafe.IsNullRef(ref b))
            {
                b[BucketField.RefundCents] += cents;
            }

            return;
        }

        _lastTxnDay = Math.Max(_lastTxnDay, day);
        if (Unsafe.IsNullRef(ref b))
        {
            return;
        }

        b[BucketField.TxnCount]++;
        b[BucketField.TxnCents] += cents;
        var category = tx.MerchantCategory switch
        {
            MerchantCategory.Dining => BucketField.DiningCents,
            MerchantCategory.Travel => BucketField.TravelCents,
            MerchantCategory.Fuel => BucketField.FuelCents,
            MerchantCategory.Grocery => BucketField.GroceryCents,
            MerchantCategory.Entertainment => BucketField.EntertainmentCents,
            _ => -1,
        };
        if (category >= 0)
        {
            b[category] += cents;
        }

        if (tx.Online)
        {
            b[BucketField.OnlineCents] += cents;
        }

        if (tx.CrossBorder)
        {
            b[BucketField.CrossBorderCents] += cents;
        }

        if (tx.Kind == TransactionKind.CashAdvance)
        {
            b[BucketField.CashAdvances]++;
        }
    }

    private void ApplyRepayment(Repayment r, long t, int day)
    {
        var dueMs = ToUnixMs(r.DueDate.Seconds, r.DueDate.Nanos);
        if (t > dueMs)
        {
            Add(day, BucketField.LateRepayments, 1);
        }

        if (r.Amount < r.StatementBalance)
        {
            Add(day, BucketField.MinOnlyRepayments, 1);
        }

        ref var s = ref StatementFor(Days.OfUnixMs(dueMs));
        s.RepaymentBalanceCents = Math.Max(s.RepaymentBalanceCents, Cents(r.StatementBalance));
        s.PaidCents += Cents(r.Amount);
        TrimStatements();
    }

    private void ApplyStatement(Statement st, long t)
    {
        var cents = Cents(st.Balance);
        if (IsNewer(t, cents, _statementMs, _statementCents))
        {
            (_statementMs, _statementCents) = (t, cents);
        }

        ref var s = ref StatementFor(Days.OfUnixMs(ToUnixMs(st.DueDate.Seconds, st.DueDate.Nanos)));
        s.StatementCents = Math.Max(s.StatementCents, cents);
        TrimStatements();
    }

    private void ApplyContact(ServiceContact c, int day)
    {
        if (c.Action == ContactAction.Opened)
        {
            Add(day, BucketField.Contacts, 1);
            if (c.Kind == ContactKind.Complaint)
            {
                Add(day, BucketField.Complaints, 1);
            }
        }

        if (c.Kind != ContactKind.Complaint)
        {
            return;
        }

        var h = Hash64.Of(c.ContactId);
        var flag = c.Action == ContactAction.Opened ? ComplaintOpened : ComplaintResolved;
        var list = CollectionsMarshal.AsSpan(_complaints);
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i].Hash == h)
            {
                list[i].Flags |= flag;
                list[i].Day = Math.Max(list[i].Day, day);
                return;
            }
        }

        _complaints.Add(new ComplaintEntry { Hash = h, Day = day, Flags = flag });
        if (_complaints.Count > MaxComplaints)
        {
            // Keep the newest: an unbounded list would let one customer's state grow without limit.
            _complaints.Sort(static (a, b) => b.Day.CompareTo(a.Day));
            _complaints.RemoveRange(MaxComplaints, _complaints.Count - MaxComplaints);
        }
    }

    private void ApplyOffer(OfferOutcome o, long t, int day)
    {
        var field = o.Outcome switch
        {
            OfferOutcomeKind.Shown => BucketField.OffersShown,
            OfferOutcomeKind.Accepted => BucketField.OffersAccepted,
            _ => BucketField.OffersDeclined,
        };
        Add(day, field, 1);
        var h = Hash64.Of(o.OfferId);
        OfferEntry? entry = null;
        foreach (var o2 in _offers)
        {
            entry = o2.Hash == h ? o2 : entry;
        }

        if (entry is null)
        {
            entry = new OfferEntry { Hash = h };
            _offers.Add(entry);
        }

        switch (o.Outcome)
        {
            case OfferOutcomeKind.Shown:
                var at = entry.ShownDays.BinarySearch(day);
                entry.ShownDays.Insert(at < 0 ? ~at : at, day);
                if (entry.ShownDays.Count > MaxOfferShows)
                {
                    entry.ShownDays.RemoveAt(0);
                }

                entry.LastShownMs = Math.Max(entry.LastShownMs, t);
                break;
            case OfferOutcomeKind.Accepted:
                entry.LastAcceptedMs = Math.Max(entry.LastAcceptedMs, t);
                break;
            default:
                entry.LastDeclinedMs = Math.Max(entry.LastDeclinedMs, t);
                break;
        }

        if (_offers.Count > MaxOffers)
        {
            _offers.Sort(static (a, b) => b.NewestMs.CompareTo(a.NewestMs));
            _offers.RemoveRange(MaxOffers, _offers.Count - MaxOffers);
        }
    }

    private void Add(int day, int field, long value)
    {
        ref var b = ref Target(day);
        if (!Unsafe.IsNullRef(ref b))
        {
            b[field] += value;
        }
    }

    /// <summary>The bucket an event day counts in, or a null ref when it is too old to matter.</summary>
    private ref BucketValues Target(int day)
    {
        if (_watermarkMs != Days.NoTime)
        {
            var wd = Days.OfUnixMs(_watermarkMs);
            var month = Days.MonthOf(day);
            if (Days.LastDayOfMonth(month) < wd - (DailyHorizonDays - 1))
            {
                return ref Days.MidDayOfMonth(month) < wd - 364
                    ? ref Unsafe.NullRef<BucketValues>()
                    : ref GetOrAdd(_months, month);
            }
        }

        return ref GetOrAdd(_days, day);
    }

    private static ref BucketValues GetOrAdd(List<Bucket> list, int key)
    {
        var span = CollectionsMarshal.AsSpan(list);
        if (span.Length > 0 && span[^1].Key == key)
        {
            return ref span[^1].Values;
        }

        int lo = 0, hi = span.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var k = span[mid].Key;
            if (k == key)
            {
                return ref span[mid].Values;
            }

            if (k < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        list.Insert(lo, new Bucket(key));
        return ref CollectionsMarshal.AsSpan(list)[lo].Values;
    }

    private ref StatementRecord StatementFor(int dueDay)
    {
        var span = CollectionsMarshal.AsSpan(_statements);
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i].DueDay == dueDay)
            {
                return ref span[i];
            }
        }

        var at = 0;
        while (at < span.Length && span[at].DueDay < dueDay)
        {
            at++;
        }

        _statements.Insert(at, new StatementRecord { DueDay = dueDay, StatementCents = -1 });
        return ref CollectionsMarshal.AsSpan(_statements)[at];
    }

    /// <summary>
    /// Keeps what payment_ratio can still use at any read at or after the watermark: every
    /// statement not yet due, and the 3 newest already due.
    /// </summary>
    private void TrimStatements()
    {
        var wd = _watermarkMs == Days.NoTime ? int.MaxValue : Days.OfUnixMs(_watermarkMs);
        var due = 0;
        for (var i = _statements.Count - 1; i >= 0; i--)
        {
            if (_statements[i].DueDay <= wd && ++due > 3)
            {
                _statements.RemoveAt(i);
            }
        }

        if (_statements.Count > MaxStatements)
        {
            _statements.RemoveRange(0, _statements.Count - MaxStatements);
        }
    }

    /// <summary>After the watermark's day moved: roll old days into months, drop what no read can use.</summary>
    private void Advance(long latenessMs)
    {
        var wd = Days.OfUnixMs(_watermarkMs);
        var cutoff = wd - (DailyHorizonDays - 1);
        var days = CollectionsMarshal.AsSpan(_days);
        var rolled = 0;
        while (rolled < days.Length)
        {
            var month = Days.MonthOf(days[rolled].Key);
            if (Days.LastDayOfMonth(month) >= cutoff)
            {
                break;
            }

            if (Days.MidDayOfMonth(month) >= wd - 364)
            {
                ref var m = ref GetOrAdd(_months, month);
                for (var f = 0; f < BucketField.Count; f++)
                {
                    m[f] += days[rolled].Values[f];
                }
            }

            rolled++;
        }

        _days.RemoveRange(0, rolled);
        var dropped = 0;
        while (dropped < _months.Count && Days.MidDayOfMonth(_months[dropped].Key) < wd - 364)
        {
            dropped++;
        }

        _months.RemoveRange(0, dropped);
        TrimStatements();

        var keepIdsFrom = Days.OfUnixMs(_watermarkMs - latenessMs);
        foreach (var (id, day) in _seen)
        {
            if (day < keepIdsFrom)
            {
                _seen.Remove(id); // allowed during enumeration since .NET Core 3.0
            }
        }

        // A resolved complaint is forgotten once nothing that could re-open it can still arrive.
        // (Loops rather than RemoveAll with a capturing lambda: this runs on the ingest path.)
        for (var i = _complaints.Count - 1; i >= 0; i--)
        {
            if ((_complaints[i].Flags & ComplaintResolved) != 0 && _complaints[i].Day < keepIdsFrom - 1)
            {
                _complaints.RemoveAt(i);
            }
        }

        for (var i = _offers.Count - 1; i >= 0; i--)
        {
            var o = _offers[i];
            if (o.NewestMs < _watermarkMs - OfferKeepMs)
            {
                _offers.RemoveAt(i);
                continue;
            }

            var stale = 0;
            while (stale < o.ShownDays.Count && o.ShownDays[stale] <= wd - OfferShowDays)
            {
                stale++;
            }

            o.ShownDays.RemoveRange(0, stale);
        }
    }

    private float PaymentRatio(int asOfDay)
    {
        long paid = 0, balance = 0;
        var n = 0;
        var span = CollectionsMarshal.AsSpan(_statements);
        for (var i = span.Length - 1; i >= 0 && n < 3; i--)
        {
            if (span[i].DueDay > asOfDay)
            {
                continue;
            }

            n++;
            paid += span[i].PaidCents;
            balance += span[i].StatementCents >= 0 ? span[i].StatementCents : span[i].RepaymentBalanceCents;
        }

        return n == 0 ? float.NaN : Ratio(paid, balance);
    }

    // ---- serialization ----

    /// <summary>
    /// The compact binary form: a version byte, then varints (zigzag for signed deltas) with
    /// times and days relative to the watermark, only non-empty buckets, amounts as integer
    /// cents, and a one-byte category code for days whose spend is all in one category.
    /// </summary>
    public byte[] Serialize()
    {
        var w = new StateWriter(t_scratch ??= new byte[4096]);
        WriteTo(ref w);
        t_scratch = w.Buffer; // keep a grown buffer for the next call on this thread
        return w.Written.ToArray();
    }

    /// <summary>Reads the form written by <see cref="Serialize"/>; InvalidDataException when corrupt.</summary>
    public static CustomerState Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new InvalidDataException("Customer state is empty.");
        }

        if (data[0] != FormatVersion)
        {
            throw new InvalidDataException($"Customer state has format version {data[0]}; this build reads version {FormatVersion}.");
        }

        var r = new StateReader(data[1..]);
        var s = new CustomerState();
        s.ReadFrom(ref r);
        return r.Remaining != 0 ? throw new InvalidDataException("Customer state is corrupt: trailing bytes.") : s;
    }

    /// <summary>
    /// Like <see cref="Deserialize(ReadOnlySpan{byte})"/>, but overwrites <paramref name="into"/>,
    /// keeping the capacity of its lists: read paths that score and drop the state (GetScores)
    /// reuse pooled instances instead of allocating ~30 KB of day buckets per read. On an
    /// exception <paramref name="into"/> is left in an unspecified state; reset it before reuse.
    /// </summary>
    public static void DeserializeInto(ReadOnlySpan<byte> data, CustomerState into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (data.IsEmpty)
        {
            throw new InvalidDataException("Customer state is empty.");
        }

        if (data[0] != FormatVersion)
        {
            throw new InvalidDataException($"Customer state has format version {data[0]}; this build reads version {FormatVersion}.");
        }

        into.Reset();
        var r = new StateReader(data[1..]);
        into.ReadFrom(ref r);
        if (r.Remaining != 0)
        {
            throw new InvalidDataException("Customer state is corrupt: trailing bytes.");
        }
    }

    /// <summary>Back to the state of <c>new CustomerState()</c>, keeping list capacity.</summary>
    public void Reset()
    {
        _watermarkMs = Days.NoTime;
        _lastTxnDay = Days.None;
        _lastLoginDay = Days.None;
        _hasProfile = false;
        _ageBand = 0;
        _incomeBand = 0;
        _cardProduct = 0;
        _productsHeld = 0;
        _openDay = 0;
        _profileLimitCents = 0;
        _limitMs = Days.NoTime;
        _limitCents = 0;
        _statementMs = Days.NoTime;
        _statementCents = 0;
        _cardStatusMs = Days.NoTime;
        _cardStatus = 0;
        _days.Clear();
        _months.Clear();
        _statements.Clear();
        _complaints.Clear();
        _offers.Clear();
        _seen.Clear();
    }

    private const int HasWatermark = 1, HasLastTxn = 2, HasLastLogin = 4, HasProfileFlag = 8, HasLimit = 16, HasStatement = 32, HasCardStatus = 64;

    private void WriteTo(ref StateWriter w)
    {
        w.Byte(FormatVersion);
        var flags = (_watermarkMs != Days.NoTime ? HasWatermark : 0)
            | (_lastTxnDay != Days.None ? HasLastTxn : 0)
            | (_lastLoginDay != Days.None ? HasLastLogin : 0)
            | (_hasProfile ? HasProfileFlag : 0)
            | (_limitMs != Days.NoTime ? HasLimit : 0)
            | (_statementMs != Days.NoTime ? HasStatement : 0)
            | (_cardStatusMs != Days.NoTime ? HasCardStatus : 0);
        w.U((ulong)flags);
        var baseMs = _watermarkMs == Days.NoTime ? 0 : _watermarkMs;
        var baseDay = Days.OfUnixMs(baseMs);
        if ((flags & HasWatermark) != 0)
        {
            w.S(_watermarkMs);
        }

        if ((flags & HasLastTxn) != 0)
        {
            w.S(baseDay - (long)_lastTxnDay);
        }

        if ((flags & HasLastLogin) != 0)
        {
            w.S(baseDay - (long)_lastLoginDay);
        }

        if (_hasProfile)
        {
            w.U((ulong)_ageBand);
            w.U((ulong)_incomeBand);
            w.U((ulong)_cardProduct);
            w.U((ulong)_productsHeld);
            w.S(baseDay - (long)_openDay);
            w.U((ulong)_profileLimitCents);
        }

        if ((flags & HasLimit) != 0)
        {
            w.S(baseMs - _limitMs);
            w.U((ulong)_limitCents);
        }

        if ((flags & HasStatement) != 0)
        {
            w.S(baseMs - _statementMs);
            w.U((ulong)_statementCents);
        }

        if ((flags & HasCardStatus) != 0)
        {
            w.S(baseMs - _cardStatusMs);
            w.U((ulong)_cardStatus);
        }

        // Day buckets: a presence bitmap over the days from the base day backwards (bit i = base
        // day - i), then the buckets newest first. Cheaper than a gap byte per day.
        var span = _days.Count == 0 ? 0 : baseDay - _days[0].Key + 1;
        w.U((ulong)span);
        Span<byte> bitmap = stackalloc byte[(span + 7) / 8];
        foreach (var b in _days)
        {
            var i = baseDay - b.Key;
            bitmap[i >> 3] |= (byte)(1 << (i & 7));
        }

        foreach (var x in bitmap)
        {
            w.Byte(x);
        }

        var daySpan = CollectionsMarshal.AsSpan(_days);
        for (var i = daySpan.Length - 1; i >= 0; i--)
        {
            WriteBucket(ref w, ref daySpan[i].Values);
        }

        // Month buckets newest first: the first key relative to the base month, then gaps (>= 1).
        w.U((ulong)_months.Count);
        long prev = Days.MonthOf(baseDay);
        for (var i = _months.Count - 1; i >= 0; i--)
        {
            var b = _months[i];
            w.S(prev - b.Key);
            prev = b.Key;
            WriteBucket(ref w, ref b.Values);
        }

        w.U((ulong)_statements.Count);
        foreach (var s in _statements)
        {
            w.S(baseDay - (long)s.DueDay);
            w.U((ulong)(s.StatementCents + 1));
            w.U((ulong)s.RepaymentBalanceCents);
            w.U((ulong)s.PaidCents);
        }

        w.U((ulong)_complaints.Count);
        foreach (var c in _complaints)
        {
            w.Fixed64(c.Hash);
            w.S(baseDay - (long)c.Day);
            w.Byte(c.Flags);
        }

        w.U((ulong)_offers.Count);
        foreach (var o in _offers)
        {
            w.Fixed64(o.Hash);
            var present = (o.LastShownMs != Days.NoTime ? 1 : 0) | (o.LastAcceptedMs != Days.NoTime ? 2 : 0) | (o.LastDeclinedMs != Days.NoTime ? 4 : 0);
            w.Byte((byte)present);
            if ((present & 1) != 0)
            {
                w.S(baseMs - o.LastShownMs);
            }

            if ((present & 2) != 0)
            {
                w.S(baseMs - o.LastAcceptedMs);
            }

            if ((present & 4) != 0)
            {
                w.S(baseMs - o.LastDeclinedMs);
            }

            w.U((ulong)o.ShownDays.Count);
            var p = (long)baseDay;
            for (var i = o.ShownDays.Count - 1; i >= 0; i--)
            {
                w.S(p - o.ShownDays[i]);
                p = o.ShownDays[i];
            }
        }

        // Idempotency ids newest day first; day gaps are mostly 0 so cost one byte.
        w.U((ulong)_seen.Count);
        Span<(int Day, ulong Id)> ids = _seen.Count <= 256 ? stackalloc (int, ulong)[_seen.Count] : new (int, ulong)[_seen.Count];
        var n = 0;
        foreach (var (id, day) in _seen)
        {
            ids[n++] = (day, id);
        }

        ids.Sort(static (a, b) => a.Day != b.Day ? b.Day.CompareTo(a.Day) : a.Id.CompareTo(b.Id));
        prev = baseDay;
        foreach (var (day, id) in ids)
        {
            w.S(prev - day);
            prev = day;
            w.Fixed64(id);
        }
    }

    private void ReadFrom(ref StateReader r)
    {
        var flags = r.Int32(127);
        if ((flags & HasWatermark) != 0)
        {
            _watermarkMs = r.S();
            if (_watermarkMs is < -62135596800000 or > 253402300799999)
            {
                throw new InvalidDataException("Customer state is corrupt: watermark out of range.");
            }
        }

        var baseMs = _watermarkMs == Days.NoTime ? 0 : _watermarkMs;
        var baseDay = Days.OfUnixMs(baseMs);
        if ((flags & HasLastTxn) != 0)
        {
            _lastTxnDay = Day(baseDay - r.S());
        }

        if ((flags & HasLastLogin) != 0)
        {
            _lastLoginDay = Day(baseDay - r.S());
        }

        if ((flags & HasProfileFlag) != 0)
        {
            _hasProfile = true;
            _ageBand = r.Int32(1000);
            _incomeBand = r.Int32(1000);
            _cardProduct = r.Int32(1000);
            _productsHeld = r.Int32(int.MaxValue);
            _openDay = Day(baseDay - r.S());
            _profileLimitCents = r.NonNegative();
        }

        if ((flags & HasLimit) != 0)
        {
            _limitMs = baseMs - r.S();
            _limitCents = r.NonNegative();
        }

        if ((flags & HasStatement) != 0)
        {
            _statementMs = baseMs - r.S();
            _statementCents = r.NonNegative();
        }

        if ((flags & HasCardStatus) != 0)
        {
            _cardStatusMs = baseMs - r.S();
            _cardStatus = r.Int32(1000);
        }

        ReadDays(ref r, baseDay);
        ReadBuckets(ref r, _months, Days.MonthOf(baseDay), isMonth: true);

        var count = r.Count(4);
        for (var i = 0; i < count; i++)
        {
            var due = Day(baseDay - r.S());
            var stmt = r.NonNegative() - 1;
            _statements.Add(new StatementRecord { DueDay = due, StatementCents = stmt, RepaymentBalanceCents = r.NonNegative(), PaidCents = r.NonNegative() });
            if (i > 0 && _statements[i - 1].DueDay >= due)
            {
                throw new InvalidDataException("Customer state is corrupt: statements out of order.");
            }
        }

        count = r.Count(10);
        for (var i = 0; i < count; i++)
        {
            _complaints.Add(new ComplaintEntry { Hash = r.Fixed64(), Day = Day(baseDay - r.S()), Flags = r.Byte() });
        }

        count = r.Count(10);
        for (var i = 0; i < count; i++)
        {
            var o = new OfferEntry { Hash = r.Fixed64() };
            var present = r.Byte();
            o.LastShownMs = (present & 1) != 0 ? baseMs - r.S() : Days.NoTime;
            o.LastAcceptedMs = (present & 2) != 0 ? baseMs - r.S() : Days.NoTime;
            o.LastDeclinedMs = (present & 4) != 0 ? baseMs - r.S() : Days.NoTime;
            var shows = r.Count(1);
            var p = (long)baseDay;
            for (var k = 0; k < shows; k++)
            {
                p -= r.S();
                o.ShownDays.Add(Day(p));
            }

            o.ShownDays.Reverse();
            _offers.Add(o);
        }

        count = r.Count(9);
        _seen.EnsureCapacity(count);
        var prev = (long)baseDay;
        for (var i = 0; i < count; i++)
        {
            prev -= r.S();
            _seen[r.Fixed64()] = Day(prev);
        }
    }

    private void ReadDays(ref StateReader r, int baseDay)
    {
        var span = r.Int32(DailyHorizonDays + 400);
        if (span > baseDay)
        {
            throw new InvalidDataException("Customer state is corrupt: day range out of range.");
        }

        Span<byte> bitmap = stackalloc byte[(span + 7) / 8];
        for (var i = 0; i < bitmap.Length; i++)
        {
            bitmap[i] = r.Byte();
        }

        var present = 0;
        foreach (var x in bitmap)
        {
            present += System.Numerics.BitOperations.PopCount(x);
        }

        _days.EnsureCapacity(present); // one allocation instead of doubling from 4 (none when reused)
        for (var i = span - 1; i >= 0; i--)
        {
            if ((bitmap[i >> 3] & (1 << (i & 7))) != 0)
            {
                _days.Add(new Bucket(baseDay - i));
            }
        }

        if (span > 0 && (_days.Count == 0 || _days[0].Key != baseDay - span + 1))
        {
            throw new InvalidDataException("Customer state is corrupt: day bitmap does not match its range.");
        }

        var days = CollectionsMarshal.AsSpan(_days);
        for (var i = days.Length - 1; i >= 0; i--)
        {
            ReadBucket(ref r, ref days[i].Values);
        }
    }

    private static void ReadBuckets(ref StateReader r, List<Bucket> list, int baseKey, bool isMonth)
    {
        var count = r.Count(2);
        list.Clear();
        list.EnsureCapacity(count);
        CollectionsMarshal.SetCount(list, count);
        var buckets = CollectionsMarshal.AsSpan(list); // every slot is assigned below
        var prev = (long)baseKey;
        for (var i = 0; i < count; i++)
        {
            var gap = r.S();
            if (i > 0 && gap <= 0)
            {
                throw new InvalidDataException("Customer state is corrupt: buckets out of order.");
            }

            prev -= gap;
            var key = isMonth ? (prev is < 12 or > 9999 * 12 ? throw new InvalidDataException("Customer state is corrupt: month out of range.") : (int)prev) : Day(prev);
            buckets[count - 1 - i] = new Bucket(key);
            ReadBucket(ref r, ref buckets[count - 1 - i].Values);
        }
    }

    // Bucket layout: a mask byte, then the parts it announces.
    //   bit 0 transactions: byte X = category code (bits 0-2: 0 none, 1-5 dining..entertainment,
    //         6 = explicit amounts follow), all-online (bit 3), all-cross-border (bit 4),
    //         count - 1 (bits 5-7; 7 = the count follows as a varint); then the amount in cents;
    //         with code 6 a byte of present category fields and their varints follow.
    //   bit 1 exactly one successful login; bit 2 logins as a varint; bit 3 failed logins;
    //   bit 4 offers shown; bit 5 a varint mask of the rare fields (s_rareFields) and their values.
    private const int TxnBit = 1, OneLoginBit = 2, LoginsBit = 4, FailedBit = 8, ShownBit = 16, RareBit = 32;

    private static readonly int[] s_rareFields =
    [
        BucketField.CashAdvances, BucketField.RefundCents, BucketField.LateRepayments, BucketField.MinOnlyRepayments,
        BucketField.Contacts, BucketField.Complaints, BucketField.OffersAccepted, BucketField.OffersDeclined,
    ];

    private static void WriteBucket(ref StateWriter w, ref BucketValues v)
    {
        var hasTxn = v[BucketField.TxnCount] != 0;
        for (var f = BucketField.TxnCents; f <= BucketField.CrossBorderCents; f++)
        {
            hasTxn |= v[f] != 0;
        }

        ulong rare = 0;
        for (var k = 0; k < s_rareFields.Length; k++)
        {
            rare |= v[s_rareFields[k]] != 0 ? 1UL << k : 0;
        }

        var logins = v[BucketField.Logins];
        var mask = (hasTxn ? TxnBit : 0) | (logins == 1 ? OneLoginBit : 0) | (logins > 1 ? LoginsBit : 0)
            | (v[BucketField.FailedLogins] != 0 ? FailedBit : 0) | (v[BucketField.OffersShown] != 0 ? ShownBit : 0)
            | (rare != 0 ? RareBit : 0);
        w.Byte((byte)mask);
        if (hasTxn)
        {
            var count = v[BucketField.TxnCount];
            var countCode = count is >= 1 and <= 7 ? (int)count - 1 : 7;
            var compact = TryCategoryByte(ref v, out var code);
            w.Byte((byte)((compact ? code : 6) | (countCode << 5)));
            if (countCode == 7)
            {
                w.U((ulong)count);
            }

            w.U((ulong)v[BucketField.TxnCents]);
            if (!compact)
            {
                var present = 0;
                for (var f = BucketField.DiningCents; f <= BucketField.CrossBorderCents; f++)
                {
                    present |= v[f] != 0 ? 1 << (f - BucketField.DiningCents) : 0;
                }

                w.Byte((byte)present);
                for (var f = BucketField.DiningCents; f <= BucketField.CrossBorderCents; f++)
                {
                    if (v[f] != 0)
                    {
                        w.U((ulong)v[f]);
                    }
                }
            }
        }

        if (logins > 1)
        {
            w.U((ulong)logins);
        }

        if ((mask & FailedBit) != 0)
        {
            w.U((ulong)v[BucketField.FailedLogins]);
        }

        if ((mask & ShownBit) != 0)
        {
            w.U((ulong)v[BucketField.OffersShown]);
        }

        if (rare != 0)
        {
            w.U(rare);
            for (var k = 0; k < s_rareFields.Length; k++)
            {
                if ((rare & (1UL << k)) != 0)
                {
                    w.U((ulong)v[s_rareFields[k]]);
                }
            }
        }
    }

    private static void ReadBucket(ref StateReader r, ref BucketValues v)
    {
        var mask = r.Byte();
        if (mask >> 6 != 0)
        {
            throw new InvalidDataException("Customer state is corrupt: unknown bucket fields.");
        }

        if ((mask & TxnBit) != 0)
        {
            var x = r.Byte();
            var countCode = x >> 5;
            v[BucketField.TxnCount] = countCode == 7 ? r.NonNegative() : countCode + 1;
            var cents = v[BucketField.TxnCents] = r.NonNegative();
            var category = x & 7;
            if (category == 6)
            {
                if ((x & 0x18) != 0)
                {
                    throw new InvalidDataException("Customer state is corrupt: bad category code.");
                }

                var present = r.Byte();
                if (present >> 7 != 0)
                {
                    throw new InvalidDataException("Customer state is corrupt: bad category fields.");
                }

                for (var f = BucketField.DiningCents; f <= BucketField.CrossBorderCents; f++)
                {
                    if ((present & (1 << (f - BucketField.DiningCents))) != 0)
                    {
                        v[f] = r.NonNegative();
                    }
                }
            }
            else
            {
                if (category == 7)
                {
                    throw new InvalidDataException("Customer state is corrupt: bad category code.");
                }

                if (category != 0)
                {
                    v[BucketField.DiningCents + category - 1] = cents;
                }

                v[BucketField.OnlineCents] = (x & 8) != 0 ? cents : 0;
                v[BucketField.CrossBorderCents] = (x & 16) != 0 ? cents : 0;
            }
        }

        if ((mask & OneLoginBit) != 0)
        {
            v[BucketField.Logins] = 1;
        }

        if ((mask & LoginsBit) != 0)
        {
            v[BucketField.Logins] = r.NonNegative();
        }

        if ((mask & FailedBit) != 0)
        {
            v[BucketField.FailedLogins] = r.NonNegative();
        }

        if ((mask & ShownBit) != 0)
        {
            v[BucketField.OffersShown] = r.NonNegative();
        }

        if ((mask & RareBit) != 0)
        {
            var rare = r.U();
            if (rare >> s_rareFields.Length != 0)
            {
                throw new InvalidDataException("Customer state is corrupt: unknown bucket fields.");
            }

            for (var k = 0; k < s_rareFields.Length; k++)
            {
                if ((rare & (1UL << k)) != 0)
                {
                    v[s_rareFields[k]] = r.NonNegative();
                }
            }
        }
    }

    /// <summary>
    /// True when every category amount is either 0 or the whole day's amount (one merchant
    /// category at most): the typical day, encoded in one byte instead of one varint each.
    /// </summary>
    private static bool TryCategoryByte(ref BucketValues v, out int code)
    {
        code = 0;
        var cents = v[BucketField.TxnCents];
        var category = 0;
        for (var f = BucketField.DiningCents; f <= BucketField.EntertainmentCents; f++)
        {
            if (v[f] == 0)
            {
                continue;
            }

            if (v[f] != cents || category != 0)
            {
                return false;
            }

            category = f - BucketField.DiningCents + 1;
        }

        var online = v[BucketField.OnlineCents];
        var cross = v[BucketField.CrossBorderCents];
        if ((online != 0 && online != cents) || (cross != 0 && cross != cents))
        {
            return false;
        }

        code = category | (online != 0 ? 8 : 0) | (cross != 0 ? 16 : 0);
        return true;
    }

    // ---- helpers ----

    private static int Day(long day) =>
        day is < 0 or > 3652058 ? throw new InvalidDataException("Customer state is corrupt: day out of range.") : (int)day;

    internal static long ToUnixMs(long seconds, int nanos) => (seconds * 1000) + (nanos / 1_000_000);

    /// <summary>Amounts are kept as integer cents (round half away from zero).</summary>
    internal static long Cents(double amount) => (long)Math.Round(amount * 100, MidpointRounding.AwayFromZero);

    private static float Money(long cents) => (float)(cents / 100.0);

    private static float Ratio(long numerator, long denominator) => denominator == 0 ? float.NaN : (float)((double)numerator / denominator);

    private static float Code(int value) => !HasProfileCode(value) ? float.NaN : value;

    private static bool HasProfileCode(int value) => value != 0;

    private static DateTimeOffset? Time(long ms) => ms == Days.NoTime ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Latest wins; ties on time are broken by the larger value, so order does not matter.</summary>
    private static bool IsNewer(long t, long value, long currentT, long currentValue) =>
        currentT == Days.NoTime || t > currentT || (t == currentT && value > currentValue);

    private static int MonthsBetween(int fromDay, int toDay)
    {
        var a = DateOnly.FromDayNumber(fromDay);
        var b = DateOnly.FromDayNumber(toDay);
        var months = ((b.Year * 12) + b.Month) - ((a.Year * 12) + a.Month) - (b.Day < a.Day ? 1 : 0);
        return Math.Max(0, months);
    }

    private struct StatementRecord
    {
        public int DueDay;
        public long StatementCents;           // -1 until the statement itself is seen
        public long RepaymentBalanceCents;    // the statement balance repayments quoted
        public long PaidCents;
    }

    private struct ComplaintEntry
    {
        public ulong Hash;
        public int Day;
        public byte Flags;
    }

    private sealed class OfferEntry
    {
        public ulong Hash;
        public long LastShownMs = Days.NoTime;
        public long LastAcceptedMs = Days.NoTime;
        public long LastDeclinedMs = Days.NoTime;
        public List<int> ShownDays { get; } = [];

        public long NewestMs => Math.Max(LastShownMs, Math.Max(LastAcceptedMs, LastDeclinedMs));
    }

    /// <summary>Window sums for one read; lives on the stack.</summary>
    private ref struct Windows
    {
        public BucketValues W7;
        public BucketValues W30;
        public BucketValues W90;
        public BucketValues Prev90;   // days 90..179 ago
        public BucketValues W365;
        public BucketValues Q1;       // days 275..364 ago
        public Periods Periods;       // transaction counts per 30-day period, newest first

        public void Accumulate(int age, ref BucketValues v)
        {
            if (age is < 0 or > 364)
            {
                return;
            }

            Add(ref W365, ref v);
            if (age < 90)
            {
                Add(ref W90, ref v);
                if (age < 30)
                {
                    Add(ref W30, ref v);
                    if (age < 7)
                    {
                        Add(ref W7, ref v);
                    }
                }
            }
            else if (age < 180)
            {
                Add(ref Prev90, ref v);
            }

            if (age >= 275)
            {
                Add(ref Q1, ref v);
            }

            if (age < 360)
            {
                Periods[age / 30] += v[BucketField.TxnCount];
            }
        }

        // 20 longs = 5 x Vector256 (or 10 x Vector128): this is most of a read's work.
        private static void Add(ref BucketValues to, ref BucketValues v)
        {
            ref var a = ref Unsafe.As<BucketValues, long>(ref to);
            ref var b = ref Unsafe.As<BucketValues, long>(ref v);
            if (Vector256.IsHardwareAccelerated)
            {
                for (nuint i = 0; i < BucketField.Count; i += 4)
                {
                    (Vector256.LoadUnsafe(ref a, i) + Vector256.LoadUnsafe(ref b, i)).StoreUnsafe(ref a, i);
                }
            }
            else
            {
                for (nuint i = 0; i < BucketField.Count; i += 2)
                {
                    (Vector128.LoadUnsafe(ref a, i) + Vector128.LoadUnsafe(ref b, i)).StoreUnsafe(ref a, i);
                }
            }
        }
    }

    [InlineArray(12)]
    private struct Periods
    {
        private long _element0;
    }
}
