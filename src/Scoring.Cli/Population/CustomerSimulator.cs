using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Scoring.V1;

namespace Scoring.Cli.Population;

/// <summary>One simulated customer: the profile, the events in arrival order, and the truth.</summary>
internal sealed record GeneratedCustomer(Profile Profile, IReadOnlyList<Event> Events, TruthRecord Truth);

/// <summary>The latent variables of one customer, for truth.csv (analysis only, never a feature).</summary>
internal sealed record TruthRecord(
    string CustomerId,
    ValueTier Tier,
    StartStage StageAtStart,
    ChurnCause Cause,
    DateOnly? ChurnOnset,
    DateOnly? ChurnDate,
    DateOnly? ClosedDate,
    bool WonBack,
    double DigitalAffinity,
    double FeeSensitivity,
    double Revenue)
{
    public const string Header = "customer_id,tier,stage_at_start,churn_cause,churn_onset,churn_date,closed_date,won_back,digital_affinity,fee_sensitivity,revenue";

    public string ToCsvLine()
    {
        var c = CultureInfo.InvariantCulture;
        return string.Join(',',
            CustomerId,
            Tier.ToString().ToLowerInvariant(),
            StageAtStart.ToString().ToLowerInvariant(),
            CauseName(Cause),
            ChurnOnset?.ToString("yyyy-MM-dd", c) ?? string.Empty,
            ChurnDate?.ToString("yyyy-MM-dd", c) ?? string.Empty,
            ClosedDate?.ToString("yyyy-MM-dd", c) ?? string.Empty,
            WonBack ? "1" : "0",
            DigitalAffinity.ToString("0.###", c),
            FeeSensitivity.ToString("0.###", c),
            Revenue.ToString("0.00", c));
    }

    public static string CauseName(ChurnCause cause) => cause switch
    {
        ChurnCause.None => "none",
        ChurnCause.Competitor => "competitor",
        ChurnCause.Engagement => "engagement",
        ChurnCause.Complaint => "complaint",
        ChurnCause.Fee => "fee",
        ChurnCause.LifeEvent => "life_event",
        ChurnCause.DormantBeforeWindow => "dormant_before_window",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, null),
    };
}

/// <summary>
/// Simulates one customer day by day over the window. Not thread-safe: one instance per worker
/// (it reuses its buffers). Every random draw comes from the customer's own stream, so a
/// customer's output does not depend on block size, thread count or other customers.
/// </summary>
internal sealed class CustomerSimulator
{
    private const double InterchangeRate = 0.015;
    private const double MonthlyInterestRate = 0.015;
    private const double LateFee = 50;
    private const double CashAdvanceFeeRate = 0.01;
    private const int DueDays = 20;

    private static readonly string[] ForeignCurrencies = ["USD", "EUR", "JPY", "HKD", "GBP", "THB", "KRW", "SGD"];
    private static readonly double[] OnlineShareByCategory = [0.25, 0.6, 0.02, 0.15, 0.5, 0.55, 0.7, 0.2, 0.4, 0.3];

    private readonly PopulationOptions _options;
    private readonly double[] _tierCumulative;
    private readonly int _days;
    private readonly long _startSeconds;
    private readonly long _endSeconds;
    private readonly List<Pending> _pending = new(1024);
    private readonly double[] _offerWeights = new double[OfferIds.All.Length];
    private readonly double[] _categoryWeights = new double[10];

    // Per-customer state, reset by Simulate.
    private Xoshiro256 _rng;
    private CustomerTraits _t = null!;
    private string _customerId = string.Empty;
    private int _seq;
    private int _contactSeq;
    private double _limit;
    private double _cycle;           // net spend since the last statement
    private double _outstanding;     // unpaid part of the last statement
    private double _lastStatement;
    private int _repayDay;
    private Repayment? _pendingRepayment;
    private double _repayAmount;
    private bool _repayLate;
    private int _recentLate;
    private int _lastLimitChangeDay;
    private int _lastTxnDay;
    private int _closedDay;
    private bool _feeWaived;
    private int _openComplaintUntil;
    private bool _wonBack;
    private double _revenue;
    private int _boostUntil;

    public CustomerSimulator(PopulationOptions options)
    {
        _options = options;
        var shares = options.TierShares;
        var total = shares.Sum();
        _tierCumulative = new double[4];
        var acc = 0.0;
        for (var i = 0; i < 4; i++)
        {
            acc += shares[i] / total;
            _tierCumulative[i] = acc;
        }

        _days = options.End.DayNumber - options.Start.DayNumber;
        _startSeconds = new DateTimeOffset(options.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        _endSeconds = _startSeconds + (_days * 86400L);
    }

    public static string CustomerIdOf(long index) => "C" + index.ToString("D8", CultureInfo.InvariantCulture);

    public GeneratedCustomer Simulate(long index)
    {
        _rng = Xoshiro256.ForStream(_options.Seed, (ulong)index);
        _customerId = CustomerIdOf(index);
        _t = TraitSampler.Draw(ref _rng, _tierCumulative, _days);
        Reset();

        for (var d = Math.Max(0, _t.OpenDay); d < _days; d++)
        {
            SimulateDay(d);
        }

        var events = Finish();
        var truth = new TruthRecord(
            _customerId,
            _t.Tier,
            _t.Stage,
            _t.Cause,
            _t.ChurnOnset < _days ? DateOf(_t.ChurnOnset) : null,
            _t.ChurnStop < _days ? DateOf(_t.ChurnStop) : null,
            _closedDay < _days ? DateOf(_closedDay) : null,
            _wonBack,
            _t.DigitalAffinity,
            _t.FeeSensitivity,
            Math.Round(_revenue, 2));
        return new GeneratedCustomer(BuildProfile(), events, truth);
    }

    private void Reset()
    {
        _pending.Clear();
        _seq = 0;
        _contactSeq = 0;
        _limit = _t.CreditLimit;
        _cycle = 0;
        _outstanding = 0;
        _lastStatement = 0;
        _repayDay = int.MaxValue;
        _repayAmount = 0;
        _repayLate = false;
        _recentLate = 0;
        _lastLimitChangeDay = _t.OpenDay;
        _lastTxnDay = _t.ChurnStop < 0 ? _t.ChurnStop : Math.Min(0, _t.ActivationDay);
        _closedDay = int.MaxValue;
        _feeWaived = false;
        _openComplaintUntil = int.MinValue;
        _wonBack = false;
        _revenue = 0;
        _boostUntil = int.MinValue;
    }

    private Profile BuildProfile() => new()
    {
        CustomerId = _customerId,
        AgeBand = _t.Age,
        IncomeBand = _t.Income,
        CardProduct = _t.Product,
        // The limit when the card was opened or the window began; later changes are events,
        // so the profile carries no information from the future.
        CreditLimit = _t.CreditLimit,
        OpenDate = Timestamp.FromDateTimeOffset(new DateTimeOffset(DateOf(_t.OpenDay).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)),
        ProductsHeld = _t.ProductsHeld,
    };

    private void SimulateDay(int d)
    {
        if (d == _t.OpenDay)
        {
            Add(d, 9 * 3600 + _rng.NextInt(8 * 3600), new Event { CardStatusChange = new CardStatusChange { Status = CardStatus.Active } });
        }

        if (d >= _repayDay)
        {
            ApplyRepayment(d);
        }

        var date = DateOf(d);
        if (d >= _closedDay)
        {
            // A closed card still gets a final statement until the balance is paid.
            if (date.Day == _t.StatementDay && (_cycle > 0.005 || _outstanding > 0.005))
            {
                IssueStatement(d, date);
            }

            return;
        }

        var activity = Activity(d);
        var season = Seasonality.SeasonOf(date);
        if (activity > 0)
        {
            var rate = _t.TxnPerMonth / 30.0 * activity * Seasonality.SpendMultiplier(date, season);
            if (d < _boostUntil)
            {
                rate *= 1.2;
            }

            var n = _rng.Poisson(rate);
            for (var i = 0; i < n; i++)
            {
                Purchase(d, season);
            }

            if (_t.RiskyCashUser && _rng.Chance(0.8 / 30.0 * Math.Max(activity, 0.3)))
            {
                CashAdvance(d);
            }
        }

        Logins(d, activity);
        Contacts(d, activity);
        if (_rng.Chance(OfferRatePerDay(d)))
        {
            ShowOffer(d, date);
        }

        if (date.Day == _t.StatementDay && d > _t.OpenDay + 5)
        {
            IssueStatement(d, date);
            MonthlyAccountChanges(d);
        }

        if (d == _t.ChurnStop + 1 && _t.ClosesCard && _closedDay == int.MaxValue)
        {
            // Closing happens some weeks after the last use.
            _closedDay = d + _rng.NextInt(0, 45);
        }

        if (d == _closedDay)
        {
            Add(d, _rng.NextInt(8 * 3600, 20 * 3600), new Event { CardStatusChange = new CardStatusChange { Status = CardStatus.ClosedByCustomer } });
        }
    }

    /// <summary>The customer's propensity to transact today, relative to their normal rate.</summary>
    private double Activity(int d)
    {
        if (d < _t.ActivationDay || d >= _t.ChurnStop)
        {
            return 0;
        }

        var months = (d - Math.Max(_t.ActivationDay, -365)) / 30.0;
        var m = _t.Stage == StartStage.New
            ? Math.Min(1.0, 0.45 + (0.05 * months))
            : Math.Clamp(1.0 + (_t.TrendPerMonth * (d / 30.0)), 0.35, 1.8);
        if (_t.Stage == StartStage.Declining && _t.Cause == ChurnCause.None)
        {
            m *= 0.45;
        }

        if (d >= _t.QuietStart && d < _t.QuietEnd)
        {
            m *= 0.02;
        }

        if (d >= _t.ChurnOnset)
        {
            var since = d - _t.ChurnOnset;
            var span = Math.Max(1, _t.ChurnStop - _t.ChurnOnset);
            m *= _t.Cause switch
            {
                ChurnCause.Competitor => Math.Exp(-since / (0.6 * span)),
                ChurnCause.Engagement => 1.0 - (0.85 * since / span),
                ChurnCause.Complaint => 0.6 * Math.Exp(-since / (0.5 * span)),
                ChurnCause.Fee => 0.5,
                _ => 0,
            };
        }

        return m;
    }

    private void Purchase(int d, Season season)
    {
        var w = _categoryWeights;
        _t.CategoryWeights.CopyTo(w, 0);
        switch (season)
        {
            case Season.Double11:
                w[5] *= 3.5; // retail
                break;
            case Season.Christmas:
                w[0] *= 1.4;
                w[4] *= 1.6;
                w[5] *= 1.6;
                break;
            case Season.ChineseNewYear:
                w[1] *= 2.0;
                w[3] *= 1.8;
                w[5] *= 1.6;
                break;
        }

        var c = _rng.Pick(w);
        var amount = Money(_rng.LogNormal(TraitSampler.CategoryMedian[c] * _t.AmountScale, TraitSampler.AmountSigma));
        if (_outstanding + _cycle + amount > _limit)
        {
            return; // declined at the point of sale: no event
        }

        var online = _rng.Chance(season == Season.Double11 && c == 5 ? 0.9 : OnlineShareByCategory[c] * (0.5 + _t.OnlineAffinity));
        var crossBorder = _rng.Chance(c == 1 ? (_t.Traveller ? 0.35 : 0.08) : (_t.Traveller ? 0.03 : 0.005));
        var currency = crossBorder ? ForeignCurrencies[_rng.NextInt(ForeignCurrencies.Length)] : "CNY";
        var category = (MerchantCategory)(c + 1);
        var second = 7 * 3600 + _rng.NextInt(16 * 3600);
        Add(d, second, new Event
        {
            Transaction = new Transaction
            {
                Kind = TransactionKind.Purchase,
                Amount = amount,
                Currency = currency,
                MerchantCategory = category,
                Online = online,
                CrossBorder = crossBorder,
            },
        });
        _cycle += amount;
        _revenue += amount * InterchangeRate;
        _lastTxnDay = d;

        // Returns: more common for online retail.
        if (_rng.Chance(c == 5 ? (online ? 0.06 : 0.03) : 0.008))
        {
            var refundDay = d + _rng.NextInt(2, 20);
            var refund = _rng.Chance(0.7) ? amount : Money(amount * _rng.Uniform(0.2, 0.9));
            if (refundDay < _days && refundDay < _closedDay)
            {
                Add(refundDay, _rng.NextInt(86400), new Event
                {
                    Transaction = new Transaction
                    {
                        Kind = TransactionKind.Refund,
                        Amount = refund,
                        Currency = currency,
                        MerchantCategory = category,
                        Online = online,
                        CrossBorder = crossBorder,
                    },
                });
                _cycle -= refund; // booked now: the exact cycle of a refund does not matter here
                _revenue -= refund * InterchangeRate;
            }
        }
    }

    private void CashAdvance(int d)
    {
        var amount = Money(Math.Min(_rng.Uniform(500, 5000), _limit * 0.3));
        if (_outstanding + _cycle + amount > _limit)
        {
            return;
        }

        Add(d, _rng.NextInt(8 * 3600, 23 * 3600), new Event
        {
            Transaction = new Transaction
            {
                Kind = TransactionKind.CashAdvance,
                Amount = amount,
                Currency = "CNY",
                MerchantCategory = MerchantCategory.Other,
            },
        });
        var fee = amount * CashAdvanceFeeRate;
        _cycle += amount + fee;
        _revenue += fee;
        _lastTxnDay = d;
    }

    private void Logins(int d, double activity)
    {
        // Logins fade with activity but more slowly: people check the app before they leave.
        var engagement = d < _t.ActivationDay ? 0.3 : Math.Max(0.12, Math.Sqrt(Math.Max(activity, 0)));
        if (d >= _t.ChurnStop)
        {
            engagement = 0.04;
        }

        var n = _rng.Poisson(_t.DigitalAffinity * 0.35 * engagement);
        for (var i = 0; i < n; i++)
        {
            var failed = _rng.Chance(_t.PoorDigitalExperience ? 0.3 : 0.03);
            Add(d, _rng.NextInt(86400), new Event { AppLogin = new AppLogin { Platform = _t.Platform, Success = !failed } });
        }
    }

    private void Contacts(int d, double activity)
    {
        if (d >= _t.ChurnStop && _rng.NextDouble() > 0.2)
        {
            return;
        }

        if (_rng.Chance(0.15 / 30.0))
        {
            var topic = (ContactTopic)(_rng.Pick([0.15, 0.1, 0.15, 0.05, 0.2, 0.15, 0.1, 0.1]) + 1);
            var id = NextContactId();
            var channel = ContactChannel();
            var second = _rng.NextInt(8 * 3600, 20 * 3600);
            Add(d, second, ContactEvent(id, ContactKind.Inquiry, ContactAction.Opened, topic, channel));
            Add(d + _rng.NextInt(0, 2), Math.Min(86399, second + 600 + _rng.NextInt(3600)), ContactEvent(id, ContactKind.Inquiry, ContactAction.Resolved, topic, channel));
        }

        var complaintRate = 0.025 / 30.0 * _t.ComplaintProneness
            * (_t.Payer == PayerType.LateProne ? 1.5 : 1.0) * (_t.PoorDigitalExperience ? 1.5 : 1.0);
        if (activity > 0 && _rng.Chance(complaintRate))
        {
            Complaint(d, (ContactTopic)(_rng.Pick([0.2, 0.1, 0.1, 0.08, 0.25, 0.1, _t.PoorDigitalExperience ? 0.4 : 0.07, 0.05]) + 1));
        }
    }

    /// <summary>A complaint; the slower the resolution, the likelier the customer leaves.</summary>
    private void Complaint(int d, ContactTopic topic)
    {
        var id = NextContactId();
        var channel = ContactChannel();
        Add(d, _rng.NextInt(8 * 3600, 20 * 3600), ContactEvent(id, ContactKind.Complaint, ContactAction.Opened, topic, channel));
        var u = _rng.NextDouble();
        int resolveDay;
        double pChurn;
        if (u < 0.62)
        {
            resolveDay = d + _rng.NextInt(1, 10);
            pChurn = 0.04;
        }
        else if (u < 0.8)
        {
            resolveDay = d + _rng.NextInt(15, 45);
            pChurn = 0.2;
        }
        else
        {
            resolveDay = int.MaxValue; // never resolved
            pChurn = 0.55;
        }

        if (resolveDay < _days)
        {
            Add(resolveDay, _rng.NextInt(8 * 3600, 20 * 3600), ContactEvent(id, ContactKind.Complaint, ContactAction.Resolved, topic, channel));
        }

        _openComplaintUntil = Math.Max(_openComplaintUntil, resolveDay);
        if (_t.Cause == ChurnCause.None && _rng.Chance(pChurn))
        {
            _t.Cause = ChurnCause.Complaint;
            _t.ChurnOnset = d + _rng.NextInt(7, 40);
            _t.ChurnStop = _t.ChurnOnset + _rng.NextInt(20, 70);
            _t.ClosesCard = _rng.Chance(0.5);
        }
    }

    private double OfferRatePerDay(int d)
    {
        var perMonth = d >= _t.ChurnStop ? 0.3 : 0.5 + (0.6 * _t.DigitalAffinity);
        return perMonth / 30.0;
    }

    private void ShowOffer(int d, DateOnly date)
    {
        // The bank's campaign policy: partly targeted on what it can observe, partly broad.
        var w = _offerWeights;
        Array.Fill(w, 0.5);
        var activated = d >= _t.ActivationDay;
        var idle = d - _lastTxnDay;
        Weight(OfferIds.FirstSwipeReward, activated ? 0.05 : 6);
        if (activated && idle > 60)
        {
            Weight(OfferIds.CareContact, 4);
            Weight(OfferIds.WinbackRate, idle > 150 ? 5 : 1.5);
        }

        if (d < _openComplaintUntil + 30)
        {
            Weight(OfferIds.ComplaintFollowUp, 5);
        }

        if ((date.Month == 10 && date.Day >= 20) || (date.Month == 11 && date.Day <= 10))
        {
            Weight(OfferIds.Double11Promotion, 4);
        }

        if (_t.AnnualFee > 0 && DaysToAnniversary(d) < 45)
        {
            Weight(OfferIds.AnnualFeeWaiver, 4);
        }

        if (_t.Tier == ValueTier.Hnw)
        {
            Weight(OfferIds.LoungeAccess, 2);
        }

        var offer = OfferIds.All[_rng.Pick(w)];
        var channel = _t.DigitalAffinity > 0.5
            ? (Channel)(_rng.Pick([0.7, 0.05, 0.05, 0, 0.15, 0.05]) + 1)
            : (Channel)(_rng.Pick([0.2, 0.3, 0.05, 0.1, 0.25, 0.1]) + 1);
        var second = _rng.NextInt(9 * 3600, 21 * 3600);
        Add(d, second, new Event { OfferOutcome = new OfferOutcome { OfferId = offer, Outcome = OfferOutcomeKind.Shown, Channel = channel } });

        var fit = OfferFit(offer, d, idle, date);
        var accepted = _rng.Chance(1.0 / (1.0 + Math.Exp(-(-2.3 + fit + (0.8 * _rng.Normal())))));
        var outcomeDay = d + (_rng.Chance(0.7) ? 0 : _rng.NextInt(1, 3));
        if (outcomeDay >= _days)
        {
            return;
        }

        var outcomeSecond = outcomeDay == d ? Math.Min(86399, second + 30 + _rng.NextInt(3600)) : _rng.NextInt(86400);
        Add(outcomeDay, outcomeSecond, new Event
        {
            OfferOutcome = new OfferOutcome { OfferId = offer, Outcome = accepted ? OfferOutcomeKind.Accepted : OfferOutcomeKind.Declined, Channel = channel },
        });
        if (accepted)
        {
            OfferAccepted(offer, outcomeDay);
        }

        void Weight(string id, double weight) => w[Array.IndexOf(OfferIds.All, id)] = weight;
    }

    /// <summary>How well an offer fits this customer now (log-odds added to a low base rate).</summary>
    private double OfferFit(string offer, int d, int idle, DateOnly date)
    {
        var t = _t;
        var churning = d >= t.ChurnOnset;
        var utilisation = (_outstanding + _cycle) / _limit;
        var fit = offer switch
        {
            OfferIds.BillInstalment => (t.Payer == PayerType.Revolver ? 1.6 : 0) + (utilisation > 0.5 ? 0.8 : 0) - (t.Tier == ValueTier.Hnw ? 1.5 : 0),
            OfferIds.CashInstalment => (t.Payer != PayerType.Transactor ? 1.2 : -0.5) + (t.RiskyCashUser ? 1.0 : 0) - (t.Tier == ValueTier.Hnw ? 1.5 : 0),
            OfferIds.CreditLimitIncrease => (utilisation > 0.6 ? 2.0 : utilisation > 0.3 ? 0.8 : -0.5) + (t.Tier == ValueTier.Potential ? 0.6 : 0),
            OfferIds.FirstSwipeReward => d < t.ActivationDay ? 2.5 : -3,
            OfferIds.PointsBonus => (t.Tier == ValueTier.Mass ? 0.9 : 0.3) + (idle < 30 ? 0.3 : -0.5),
            OfferIds.AirlineMiles => (t.Traveller ? 2.2 : -1.2) + (t.Tier == ValueTier.Hnw ? 0.5 : 0),
            OfferIds.AnnualFeeWaiver => t.AnnualFee > 0 ? (2.8 * t.FeeSensitivity) - 0.2 : -2.5,
            OfferIds.CardUpgradePlatinum => t.Product == CardProduct.Platinum ? -3 : t.Tier switch { ValueTier.Hnw => 1.5, ValueTier.Potential => 1.2, ValueTier.Mass => 0, _ => -2 },
            OfferIds.CarOwnerPack => t.CarOwner ? 2.6 : -1.8,
            OfferIds.DiningCashback => t.Diner ? 2.2 : -0.3,
            OfferIds.Double11Promotion => (t.OnlineShopper ? 2.0 : -0.8) + (date.Month is 10 or 11 ? 0.6 : -0.5),
            OfferIds.FitnessPack => t.FitnessFan ? 2.6 : -1.5,
            OfferIds.DigitalPerks => (t.Tier == ValueTier.Potential ? 1.3 : -0.3) + (1.5 * t.DigitalAffinity) - 0.5,
            OfferIds.TravelCobrandCard => t.Product == CardProduct.TravelCoBrand ? -3 : t.Traveller ? 1.8 : -1.5,
            OfferIds.LoungeAccess => (t.Tier == ValueTier.Hnw ? 2.0 : -1.0) + (t.Traveller ? 1.0 : -0.5),
            OfferIds.CareContact => churning || idle > 60 ? 1.2 : -0.8,
            OfferIds.WinbackRate => idle > 120 ? 1.4 : -1.2,
            OfferIds.ComplaintFollowUp => d < _openComplaintUntil + 30 ? 2.6 : -1.5,
            _ => 0,
        };

        // Customers on their way out rarely take commercial offers.
        if (churning && offer is not (OfferIds.CareContact or OfferIds.WinbackRate or OfferIds.ComplaintFollowUp or OfferIds.AnnualFeeWaiver))
        {
            fit -= 1.0;
        }

        return fit;
    }

    private void OfferAccepted(string offer, int d)
    {
        switch (offer)
        {
            case OfferIds.AnnualFeeWaiver:
                _feeWaived = true;
                break;
            case OfferIds.FirstSwipeReward when d < _t.ActivationDay:
                _t.ActivationDay = d + _rng.NextInt(1, 10);
                break;
            case OfferIds.CreditLimitIncrease when d + 2 < _days && d + 2 < _closedDay:
                _limit = Math.Round(_limit * 1.3 / 500) * 500;
                _lastLimitChangeDay = d + 2;
                Add(d + 2, _rng.NextInt(9 * 3600, 18 * 3600), new Event { CreditLimitChange = new CreditLimitChange { NewLimit = _limit, Reason = CreditLimitChangeReason.CustomerRequest } });
                break;
            case OfferIds.ComplaintFollowUp when _t.Cause == ChurnCause.Complaint && d < _t.ChurnStop:
                RetainWithProbability(0.5);
                break;
            case OfferIds.CareContact when _t.Cause is ChurnCause.Competitor or ChurnCause.Engagement && d >= _t.ChurnOnset - 30 && d < _t.ChurnStop:
                RetainWithProbability(0.3);
                break;
            case OfferIds.WinbackRate when _t.Cause is not ChurnCause.None && d >= _t.ChurnStop && _closedDay == int.MaxValue:
                if (_rng.Chance(0.3))
                {
                    _wonBack = true;
                    _t.ChurnOnset = int.MaxValue;
                    _t.ChurnStop = int.MaxValue;
                    _t.ActivationDay = Math.Min(_t.ActivationDay, d);
                    _boostUntil = d + 60;
                }

                break;
            case OfferIds.DiningCashback or OfferIds.Double11Promotion or OfferIds.PointsBonus or OfferIds.DigitalPerks:
                _boostUntil = Math.Max(_boostUntil, d + 30);
                break;
        }
    }

    private void RetainWithProbability(double p)
    {
        if (_rng.Chance(p))
        {
            _wonBack = true;
            _t.ChurnOnset = int.MaxValue;
            _t.ChurnStop = int.MaxValue;
            _t.ClosesCard = false;
        }
    }

    private void IssueStatement(int d, DateOnly date)
    {
        if (_repayDay != int.MaxValue)
        {
            ApplyRepayment(d);
        }

        var fees = 0.0;
        var interest = _outstanding > 0.005 ? _outstanding * MonthlyInterestRate : 0;
        if (_repayLate)
        {
            fees += LateFee;
            _repayLate = false;
        }

        if (_t.AnnualFee > 0 && date.Month == DateOf(_t.OpenDay).Month && d - _t.OpenDay > 300 && d < _closedDay)
        {
            AnnualFee(d, ref fees);
        }

        var balance = _outstanding + _cycle + interest + fees;
        _revenue += interest + fees;
        _cycle = 0;
        if (balance < 0.005)
        {
            _cycle = Math.Min(balance, 0); // a credit carries into the next cycle
            _outstanding = 0;
            return; // nothing to bill
        }

        balance = Money(balance);
        var minimum = Money(Math.Max(Math.Min(balance, 100), balance * 0.1));
        var dueDay = d + DueDays;
        var dueSeconds = _startSeconds + (dueDay * 86400L) + 86399;
        Add(d, 3600 + _rng.NextInt(3600), new Event { Statement = new Statement { Balance = balance, MinimumDue = minimum, DueDate = new Timestamp { Seconds = dueSeconds } } });
        _lastStatement = balance;
        _outstanding = balance;
        PlanRepayment(d, dueDay, balance, minimum, dueSeconds);
    }

    private void AnnualFee(int d, ref double fees)
    {
        if (_feeWaived || _t.Tier == ValueTier.Hnw)
        {
            _feeWaived = false;
            return;
        }

        fees += _t.AnnualFee;
        // Fee-sensitive customers call about the fee and some leave over it.
        if (_t.FeeSensitivity > 0.55 && _rng.Chance((_t.FeeSensitivity - 0.55) * 1.6))
        {
            if (_rng.Chance(0.6))
            {
                Complaint(d + _rng.NextInt(1, 6), ContactTopic.Fees);
            }

            if (_t.Cause == ChurnCause.None && _rng.Chance(0.6))
            {
                _t.Cause = ChurnCause.Fee;
                _t.ChurnOnset = d + _rng.NextInt(3, 20);
                _t.ChurnStop = _t.ChurnOnset + _rng.NextInt(5, 30);
                _t.ClosesCard = _rng.Chance(0.6);
            }
        }
    }

    private void PlanRepayment(int d, int dueDay, double balance, double minimum, long dueSeconds)
    {
        var (pLate, pMinimum) = _t.Payer switch
        {
            PayerType.Transactor => (0.01, 0.02),
            PayerType.Revolver => (0.04, 0.7),
            _ => (0.35, 0.6),
        };

        // Leaving customers settle up and go.
        if (d >= _t.ChurnStop)
        {
            pMinimum = 0.1;
        }

        var late = _rng.Chance(pLate);
        _repayDay = late ? dueDay + _rng.NextInt(1, 8) : d + _rng.NextInt(3, DueDays);
        _repayAmount = _rng.Chance(pMinimum)
            ? Money(Math.Min(balance, minimum + (_rng.Chance(0.5) ? 0 : (balance - minimum) * _rng.Uniform(0, 0.5))))
            : balance;
        _repayLate = late;
        _recentLate = late ? _recentLate + 1 : Math.Max(0, _recentLate - 1);
        _pendingRepayment = new Repayment
        {
            Amount = Math.Max(0.01, _repayAmount),
            StatementBalance = balance,
            MinimumDue = minimum,
            DueDate = new Timestamp { Seconds = dueSeconds },
        };
    }

    private void ApplyRepayment(int d)
    {
        var day = Math.Min(_repayDay, d);
        if (_pendingRepayment is not null && day < _days)
        {
            Add(day, _rng.NextInt(86400), new Event { Repayment = _pendingRepayment });
            _outstanding = Math.Max(0, _outstanding - _pendingRepayment.Amount);
        }

        _pendingRepayment = null;
        _repayDay = int.MaxValue;
    }

    private void MonthlyAccountChanges(int d)
    {
        if (d >= _t.ChurnStop)
        {
            return;
        }

        var utilisation = _lastStatement / _limit;
        if (_recentLate >= 2 && _rng.Chance(0.3))
        {
            _limit = Math.Max(1000, Math.Round(_limit * 0.7 / 500) * 500);
            _lastLimitChangeDay = d;
            Add(d, _rng.NextInt(3 * 3600, 6 * 3600), new Event { CreditLimitChange = new CreditLimitChange { NewLimit = _limit, Reason = CreditLimitChangeReason.RiskReduction } });
            if (_rng.Chance(0.3))
            {
                Add(d, 7 * 3600, new Event { CardStatusChange = new CardStatusChange { Status = CardStatus.Blocked } });
                Add(d + _rng.NextInt(5, 20), 10 * 3600, new Event { CardStatusChange = new CardStatusChange { Status = CardStatus.Active } });
            }
        }
        else if (_recentLate == 0 && utilisation > 0.5 && d - _lastLimitChangeDay > 180 && _rng.Chance(0.2))
        {
            _limit = Math.Round(_limit * _rng.Uniform(1.2, 1.5) / 500) * 500;
            _lastLimitChangeDay = d;
            Add(d, _rng.NextInt(3 * 3600, 6 * 3600), new Event { CreditLimitChange = new CreditLimitChange { NewLimit = _limit, Reason = CreditLimitChangeReason.BankInitiated } });
        }

        if (_rng.Chance(0.003))
        {
            var reissue = d + _rng.NextInt(3, 10);
            Add(d, _rng.NextInt(86400), new Event { CardStatusChange = new CardStatusChange { Status = CardStatus.LostStolen } });
            Add(reissue, _rng.NextInt(86400), new Event { CardStatusChange = new CardStatusChange { Status = CardStatus.Active } });
        }
    }

    private int DaysToAnniversary(int d)
    {
        var open = DateOf(_t.OpenDay);
        var date = DateOf(d);
        var next = new DateOnly(date.Year, open.Month, Math.Min(open.Day, 28));
        if (next < date)
        {
            next = next.AddYears(1);
        }

        return next.DayNumber - date.DayNumber;
    }

    private Channel ContactChannel() => _t.DigitalAffinity > 0.5 && _rng.Chance(0.5)
        ? Channel.MobileApp
        : (Channel)(_rng.Pick([0, 0.75, 0.1, 0.15]) + 1);

    private string NextContactId() => _customerId + "-K" + (++_contactSeq).ToString("D3", CultureInfo.InvariantCulture);

    private static Event ContactEvent(string id, ContactKind kind, ContactAction action, ContactTopic topic, Channel channel) => new()
    {
        ServiceContact = new ServiceContact { ContactId = id, Kind = kind, Action = action, Topic = topic, Channel = channel },
    };

    private void Add(int day, int secondOfDay, Event e)
    {
        if (day >= _days || day < 0)
        {
            return;
        }

        _pending.Add(new Pending(_startSeconds + (day * 86400L) + secondOfDay, _seq++, e));
    }

    /// <summary>Orders by event time, assigns ids, then applies the delivery-realism options.</summary>
    private List<Event> Finish()
    {
        _pending.Sort(static (a, b) => a.Seconds != b.Seconds ? a.Seconds.CompareTo(b.Seconds) : a.Order.CompareTo(b.Order));
        var delivered = new List<Pending>(_pending.Count + 8);
        var lateness = _options.MaxLatenessDays * 86400;
        for (var i = 0; i < _pending.Count; i++)
        {
            var p = _pending[i];
            if (p.Seconds >= _endSeconds)
            {
                continue;
            }

            p.Event.EventId = _customerId + "-" + i.ToString("D6", CultureInfo.InvariantCulture);
            p.Event.CustomerId = _customerId;
            p.Event.EventTime = new Timestamp { Seconds = p.Seconds };
            var arrival = p.Seconds;
            if (_options.OutOfOrderFraction > 0 && _rng.Chance(_options.OutOfOrderFraction))
            {
                arrival += 60 + _rng.NextInt(lateness);
            }

            delivered.Add(new Pending(arrival, delivered.Count, p.Event));
            if (_options.DuplicateFraction > 0 && _rng.Chance(_options.DuplicateFraction))
            {
                // A redelivery also arrives within the lateness bound of the event time.
                var slack = (int)Math.Max(1, p.Seconds + lateness - arrival);
                delivered.Add(new Pending(arrival + 1 + _rng.NextInt(slack), delivered.Count, p.Event.Clone()));
            }
        }

        if (_options.OutOfOrderFraction > 0 || _options.DuplicateFraction > 0)
        {
            delivered.Sort(static (a, b) => a.Seconds != b.Seconds ? a.Seconds.CompareTo(b.Seconds) : a.Order.CompareTo(b.Order));
        }

        var events = new List<Event>(delivered.Count);
        foreach (var p in delivered)
        {
            events.Add(p.Event);
        }

        return events;
    }

    private DateOnly DateOf(int day) => _options.Start.AddDays(day);

    private static double Money(double value) => Math.Max(1.0, Math.Round(value, 2));

    private readonly record struct Pending(long Seconds, int Order, Event Event);
}
