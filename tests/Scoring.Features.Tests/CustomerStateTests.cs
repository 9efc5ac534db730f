using Scoring.Features.Tests.Support;
using Scoring.V1;
using static Scoring.Features.Tests.Support.Ev;

namespace Scoring.Features.Tests;

public sealed class CustomerStateTests
{
    private static readonly ApplyOptions s_options = Options();

    [Fact]
    public void ComputeFeatures_ReadLaterWithoutNewEvents_DropsEventsThatLeftTheWindow()
    {
        var state = new CustomerState();
        state.Apply(Purchase(At(2025, 3, 1, 10), 100), s_options);
        Assert.Equal(1, Feature(state.ComputeFeatures(At(2025, 3, 30, 23, 59)), "txn_count_30d"));
        // 30 UTC days ending 2025-03-31 start on 2025-03-02: the purchase is out, though nothing arrived.
        var later = state.ComputeFeatures(At(2025, 3, 31, 0, 0, 1));
        Assert.Equal(0, Feature(later, "txn_count_30d"));
        Assert.Equal(1, Feature(later, "txn_count_90d"));
        Assert.Equal(30, Feature(later, "days_since_last_txn"));
    }

    [Fact]
    public void ComputeFeatures_EventsEitherSideOfUtcMidnight_CountOnTheirUtcDays()
    {
        var state = new CustomerState();
        state.Apply(Purchase(At(2025, 5, 1, 23, 59, 59), 10), s_options);
        state.Apply(Purchase(At(2025, 5, 2, 0, 0, 0), 20), s_options);
        var v = state.ComputeFeatures(At(2025, 5, 8, 0, 0, 0)); // 7 days ending 05-08 start on 05-02
        Assert.Equal(1, Feature(v, "txn_count_7d"));
        Assert.Equal(20, Feature(v, "txn_amount_7d"));
        Assert.Equal(2, Feature(v, "txn_count_30d"));
    }

    [Fact]
    public void ComputeFeatures_NoEventsAtAll_GivesNaNForMissingAndZeroForCounts()
    {
        var v = new CustomerState().ComputeFeatures(At(2025, 1, 1));
        Assert.True(float.IsNaN(Feature(v, "days_since_last_txn")));
        Assert.True(float.IsNaN(Feature(v, "avg_ticket_90d")));
        Assert.True(float.IsNaN(Feature(v, "utilisation")));
        Assert.True(float.IsNaN(Feature(v, "months_on_book")));
        Assert.Equal(0, Feature(v, "txn_count_365d"));
        Assert.Equal(12, Feature(v, "months_inactive_12m"));
    }

    [Fact]
    public void Apply_LateEventInsideBound_LandsInItsOwnDay()
    {
        var state = new CustomerState();
        state.Apply(Purchase(At(2025, 4, 20), 50), s_options);
        var result = state.Apply(Purchase(At(2025, 4, 14), 30), s_options); // 6 days late
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        var v = state.ComputeFeatures(At(2025, 4, 20));
        Assert.Equal(2, Feature(v, "txn_count_7d"));
        Assert.Equal(1, Feature(state.ComputeFeatures(At(2025, 4, 21)), "txn_count_7d"));
    }

    [Fact]
    public void Apply_EventBeyondLatenessBound_IsLateAndChangesNothing()
    {
        var state = new CustomerState();
        state.Apply(Purchase(At(2025, 4, 20, 12), 50), s_options);
        var before = state.Serialize();
        var result = state.Apply(Purchase(At(2025, 4, 13, 11, 59, 59), 30), s_options);
        Assert.Equal(ApplyOutcome.Late, result.Outcome);
        Assert.Equal("late", result.Reason);
        Assert.Equal(before, state.Serialize());
    }

    [Fact]
    public void Apply_ConfiguredLateness_MovesTheBound()
    {
        var state = new CustomerState();
        var strict = Options(TimeSpan.FromHours(1));
        state.Apply(Purchase(At(2025, 4, 20, 12), 50), strict);
        Assert.Equal(ApplyOutcome.Applied, state.Apply(Purchase(At(2025, 4, 20, 11, 0, 0), 1), strict).Outcome);
        Assert.Equal(ApplyOutcome.Late, state.Apply(Purchase(At(2025, 4, 20, 10, 59, 59), 1), strict).Outcome);
    }

    [Fact]
    public void Apply_SameEventIdTwice_SecondIsDuplicateAndCountsOnce()
    {
        var state = new CustomerState();
        var e = Purchase(At(2025, 4, 20), 50, id: "evt-1");
        Assert.Equal(ApplyOutcome.Applied, state.Apply(e, s_options).Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, state.Apply(e.Clone(), s_options).Outcome);
        Assert.Equal(1, Feature(state.ComputeFeatures(At(2025, 4, 20)), "txn_count_7d"));
    }

    [Fact]
    public void Apply_TwoDifferentEventsInTheSameSecond_BothCount()
    {
        var state = new CustomerState();
        state.Apply(Purchase(At(2025, 4, 20), 50, id: "a"), s_options);
        state.Apply(Purchase(At(2025, 4, 20), 50, id: "b"), s_options);
        Assert.Equal(2, Feature(state.ComputeFeatures(At(2025, 4, 20)), "txn_count_7d"));
    }

    [Fact]
    public void Apply_DuplicateAfterIdsArePruned_IsLateNotAppliedAgain()
    {
        var state = new CustomerState();
        var e = Purchase(At(2025, 4, 1), 50, id: "old");
        state.Apply(e, s_options);
        state.Apply(Purchase(At(2025, 5, 1), 10), s_options);
        Assert.Equal(1, state.SeenIdCount); // the April 1st id is beyond the bound and forgotten
        Assert.Equal(ApplyOutcome.Late, state.Apply(e, s_options).Outcome);
    }

    [Fact]
    public void ComputeFeatures_QuarterChanges_CompareLastQuarterWithEarlierOnes()
    {
        var state = new CustomerState();
        var asOf = At(2025, 12, 31);
        state.Apply(Purchase(asOf.AddDays(-300), 400), s_options);  // in days 275..364 ago
        state.Apply(Purchase(asOf.AddDays(-120), 200), s_options);  // in days 90..179 ago
        state.Apply(Purchase(asOf.AddDays(-10), 100), s_options);
        var v = state.ComputeFeatures(asOf);
        Assert.Equal(0.5f, Feature(v, "amount_chng_90d"));
        Assert.Equal(0.25f, Feature(v, "amount_chng_q4_q1"));
        Assert.Equal(1f, Feature(v, "count_chng_q4_q1"));
        Assert.Equal(9, Feature(v, "months_inactive_12m"));
        Assert.Equal(3, Feature(v, "txn_count_365d"));
    }

    [Fact]
    public void ComputeFeatures_CategoriesAndTickets_AreSharesOfTheNinetyDayAmount()
    {
        var state = new CustomerState();
        var t = At(2025, 6, 1);
        state.Apply(Purchase(t, 60, MerchantCategory.Dining, online: true), s_options);
        state.Apply(Purchase(t, 30, MerchantCategory.Travel, crossBorder: true), s_options);
        state.Apply(Purchase(t, 10, MerchantCategory.Other, kind: TransactionKind.CashAdvance), s_options);
        state.Apply(Purchase(t, 5, MerchantCategory.Dining, kind: TransactionKind.Refund), s_options);
        var v = state.ComputeFeatures(t);
        Assert.Equal(0.6f, Feature(v, "share_dining_90d"), 5);
        Assert.Equal(0.3f, Feature(v, "share_travel_90d"), 5);
        Assert.Equal(0.6f, Feature(v, "share_online_90d"), 5);
        Assert.Equal(0.3f, Feature(v, "share_cross_border_90d"), 5);
        Assert.Equal(0f, Feature(v, "share_fuel_90d"));
        Assert.Equal(100f / 3, Feature(v, "avg_ticket_90d"), 4);
        Assert.Equal(1, Feature(v, "cash_advances_90d"));
        Assert.Equal(5, Feature(v, "refund_amount_90d"));
    }

    [Fact]
    public void ComputeFeatures_BalancesAndRepayments_FollowStatementsLimitsAndDueDates()
    {
        var state = new CustomerState();
        state.ApplyProfile(Profile(At(2023, 1, 15), limit: 10000), s_options);
        var due1 = At(2025, 2, 20);
        var due2 = At(2025, 3, 20);
        state.Apply(Statement(At(2025, 2, 1), 2000, due1), s_options);
        state.Apply(Repayment(At(2025, 2, 25), 200, 2000, due1), s_options); // late and minimum-only
        state.Apply(Statement(At(2025, 3, 1), 4000, due2), s_options);
        state.Apply(Repayment(At(2025, 3, 10), 4000, 4000, due2), s_options);
        var v = state.ComputeFeatures(At(2025, 3, 21));
        Assert.Equal(4000, Feature(v, "revolving_balance"));
        Assert.Equal(10000, Feature(v, "credit_limit"));
        Assert.Equal(0.4f, Feature(v, "utilisation"), 5);
        Assert.Equal(6000, Feature(v, "open_to_buy"));
        Assert.Equal(4200f / 6000, Feature(v, "payment_ratio"), 5);
        Assert.Equal(1, Feature(v, "late_payments_12m"));
        Assert.Equal(1, Feature(v, "min_only_payments_12m"));
        Assert.Equal(26, Feature(v, "months_on_book"));

        state.Apply(Limit(At(2025, 3, 5), 20000), s_options);
        Assert.Equal(20000, Feature(state.ComputeFeatures(At(2025, 3, 21)), "credit_limit"));
    }

    [Fact]
    public void ComputeFeatures_ComplaintOpenedThenResolved_CountsOpenedButNotUnresolved()
    {
        var state = new CustomerState();
        var t = At(2025, 7, 1);
        state.Apply(Contact(t, "k1", ContactKind.Complaint, ContactAction.Opened), s_options);
        state.Apply(Contact(t, "k2", ContactKind.Complaint, ContactAction.Opened), s_options);
        state.Apply(Contact(t, "q1", ContactKind.Inquiry, ContactAction.Opened), s_options);
        Assert.Equal(2, Feature(state.ComputeFeatures(t), "unresolved_complaints"));
        state.Apply(Contact(t.AddDays(2), "k1", ContactKind.Complaint, ContactAction.Resolved), s_options);
        var v = state.ComputeFeatures(t.AddDays(2));
        Assert.Equal(1, Feature(v, "unresolved_complaints"));
        Assert.Equal(2, Feature(v, "complaints_90d"));
        Assert.Equal(3, Feature(v, "contacts_90d"));
    }

    [Fact]
    public void ComputeFeatures_CardStatusAndLogins_ReflectTheNewestEvents()
    {
        var state = new CustomerState();
        var t = At(2025, 7, 1);
        state.Apply(CardStatus(t, V1.CardStatus.Blocked), s_options);
        state.Apply(CardStatus(t.AddDays(-1), V1.CardStatus.ClosedByCustomer), s_options); // older: ignored
        state.Apply(Login(t.AddDays(-3)), s_options);
        state.Apply(Login(t, success: false), s_options);
        var v = state.ComputeFeatures(t);
        Assert.Equal(1, Feature(v, "card_blocked"));
        Assert.Equal(0, Feature(v, "card_closed"));
        Assert.Equal(1, Feature(v, "app_logins_30d"));
        Assert.Equal(1, Feature(v, "failed_logins_30d"));
        Assert.Equal(3, Feature(v, "days_since_last_login"));
    }

    [Fact]
    public void GetOfferHistory_ShownAndDeclined_CountsShowsInWindowsAndLastDecline()
    {
        var state = new CustomerState();
        var t = At(2025, 8, 1, 9);
        state.Apply(Offer(t.AddDays(-40), "fee_waiver", OfferOutcomeKind.Shown), s_options);
        state.Apply(Offer(t.AddDays(-10), "fee_waiver", OfferOutcomeKind.Shown), s_options);
        state.Apply(Offer(t.AddDays(-2), "fee_waiver", OfferOutcomeKind.Shown), s_options);
        state.Apply(Offer(t.AddDays(-2).AddMinutes(1), "fee_waiver", OfferOutcomeKind.Declined), s_options);
        state.Apply(Offer(t, "instalment", OfferOutcomeKind.Accepted), s_options);

        var h = state.GetOfferHistory("fee_waiver", t);
        Assert.Equal((1, 2, 3), (h.ShownLast7Days, h.ShownLast30Days, h.ShownLast90Days));
        Assert.Equal(t.AddDays(-2).AddMinutes(1), h.LastDeclined);
        Assert.Equal(t.AddDays(-2), h.LastShown);
        Assert.Null(h.LastAccepted);
        Assert.Equal(t, state.GetOfferHistory("instalment", t).LastAccepted);
        Assert.Equal(0, state.GetOfferHistory("unknown", t).ShownLast90Days);

        var copy = CustomerState.Deserialize(state.Serialize());
        Assert.Equal(h, copy.GetOfferHistory("fee_waiver", t));
        var v = state.ComputeFeatures(t);
        Assert.Equal((2f, 1f, 1f), (Feature(v, "offers_shown_30d"), Feature(v, "offers_declined_30d"), Feature(v, "offers_accepted_30d")));
    }

    [Fact]
    public void ComputeFeatures_AfterMoreThanAYear_RollsOldDaysIntoMonthsAndDropsThem()
    {
        var state = new CustomerState();
        foreach (var e in TypicalYear.Generate(At(2025, 12, 31), seed: 7))
        {
            state.Apply(e, s_options);
        }

        Assert.InRange(state.DayBucketCount, 1, 215);
        Assert.InRange(state.MonthBucketCount, 1, 8);
        state.Apply(Purchase(At(2027, 6, 1), 10), s_options);
        Assert.Equal(0, state.MonthBucketCount);
        Assert.Equal(1, state.DayBucketCount);
        Assert.Equal(1, Feature(state.ComputeFeatures(At(2027, 6, 1)), "txn_count_365d"));
    }

    [Fact]
    public void ComputeFeatures_DestinationTooShort_Throws() =>
        Assert.Throws<ArgumentException>(() => new CustomerState().ComputeFeatures(At(2025, 1, 1), new float[3]));
}
