using Google.Protobuf.WellKnownTypes;
using Scoring.Features.Tests.Support;
using Scoring.Features.Validation;
using Scoring.V1;

namespace Scoring.Features.Tests;

public sealed class EventValidatorTests
{
    private static readonly DateTimeOffset s_now = Ev.At(2025, 6, 1);

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "no event id", "missing_event_id", "event_id" },
        { "event id with control char", "invalid_event_id", "event_id" },
        { "event id too long", "invalid_event_id", "event_id" },
        { "no customer id", "missing_customer_id", "customer_id" },
        { "customer id with space", "invalid_customer_id", "customer_id" },
        { "customer id too long", "invalid_customer_id", "customer_id" },
        { "no event time", "missing_event_time", "event_time" },
        { "event time 6 minutes ahead", "event_time_in_future", "event_time" },
        { "no payload", "missing_payload", "payload" },
        { "amount NaN", "amount_not_finite", "transaction.amount" },
        { "amount infinite", "amount_not_finite", "transaction.amount" },
        { "amount zero", "amount_not_positive", "transaction.amount" },
        { "amount negative", "amount_not_positive", "transaction.amount" },
        { "amount huge", "amount_out_of_range", "transaction.amount" },
        { "kind unspecified", "transaction_kind_unspecified", "transaction.kind" },
        { "kind undefined", "unknown_enum_value", "transaction.kind" },
        { "category unspecified", "merchant_category_unspecified", "transaction.merchant_category" },
        { "currency missing", "missing_currency", "transaction.currency" },
        { "currency lower case", "invalid_currency", "transaction.currency" },
        { "currency four letters", "invalid_currency", "transaction.currency" },
        { "repayment without due date", "missing_due_date", "repayment.due_date" },
        { "repayment amount zero", "amount_not_positive", "repayment.amount" },
        { "repayment balance negative", "statement_balance_negative", "repayment.statement_balance" },
        { "statement without due date", "missing_due_date", "statement.due_date" },
        { "statement balance NaN", "balance_not_finite", "statement.balance" },
        { "limit zero", "new_limit_not_positive", "credit_limit_change.new_limit" },
        { "contact without id", "missing_contact_id", "service_contact.contact_id" },
        { "contact kind unspecified", "contact_kind_unspecified", "service_contact.kind" },
        { "contact action unspecified", "contact_action_unspecified", "service_contact.action" },
        { "card status unspecified", "card_status_unspecified", "card_status_change.status" },
        { "offer without id", "missing_offer_id", "offer_outcome.offer_id" },
        { "offer outcome unspecified", "offer_outcome_unspecified", "offer_outcome.outcome" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_BadEvent_ReturnsStableReasonAndFieldPath(string @case, string reason, string field)
    {
        var e = Broken(@case);
        var error = EventValidator.Validate(e, new StoppedClock(s_now), TimeSpan.FromMinutes(5));
        Assert.NotNull(error);
        Assert.Equal(reason, error.Value.Reason);
        Assert.Equal(field, error.Value.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Value.Message));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_BadEvent_IsInvalidAndChangesNothing(string @case, string reason, string field)
    {
        var state = new CustomerState();
        var options = new ApplyOptions { Clock = new StoppedClock(s_now) };
        state.Apply(Ev.Purchase(s_now.AddDays(-1), 10), options);
        var before = state.Serialize();
        var result = state.Apply(Broken(@case), options);
        Assert.Equal(ApplyOutcome.Invalid, result.Outcome);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(field, result.Field);
        Assert.Equal(before, state.Serialize());
    }

    [Fact]
    public void Validate_EventFiveMinutesAhead_IsAccepted()
    {
        var e = Ev.Purchase(s_now.AddMinutes(5), 10);
        Assert.Null(EventValidator.Validate(e, new StoppedClock(s_now), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("C_123-abc")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void CheckCustomerId_ValidIds_ReturnsNull(string id) => Assert.Null(EventValidator.CheckCustomerId(id, "customer_id"));

    [Theory]
    [InlineData("no credit limit", "credit_limit_not_positive", "profile.credit_limit")]
    [InlineData("no open date", "missing_open_date", "profile.open_date")]
    [InlineData("open date in future", "open_date_in_future", "profile.open_date")]
    [InlineData("no products", "products_held_out_of_range", "profile.products_held")]
    [InlineData("bad customer", "invalid_customer_id", "profile.customer_id")]
    public void ValidateProfile_BadProfile_NamesTheField(string @case, string reason, string field)
    {
        var p = Ev.Profile(s_now.AddYears(-2));
        switch (@case)
        {
            case "no credit limit": p.CreditLimit = 0; break;
            case "no open date": p.OpenDate = null; break;
            case "open date in future": p.OpenDate = Timestamp.FromDateTimeOffset(s_now.AddDays(1)); break;
            case "no products": p.ProductsHeld = 0; break;
            default: p.CustomerId = "a b"; break;
        }

        var error = EventValidator.ValidateProfile(p, new StoppedClock(s_now));
        Assert.Equal(reason, error?.Reason);
        Assert.Equal(field, error?.Field);
    }

    private static Event Broken(string @case)
    {
        var t = s_now.AddHours(-1);
        var e = Ev.Purchase(t, 10);
        switch (@case)
        {
            case "no event id": e.EventId = ""; break;
            case "event id with control char": e.EventId = "a\tb"; break;
            case "event id too long": e.EventId = new string('x', 129); break;
            case "no customer id": e.CustomerId = ""; break;
            case "customer id with space": e.CustomerId = "a b"; break;
            case "customer id too long": e.CustomerId = new string('c', 65); break;
            case "no event time": e.EventTime = null; break;
            case "event time 6 minutes ahead": e.EventTime = Timestamp.FromDateTimeOffset(s_now.AddMinutes(6)); break;
            case "no payload": e.ClearPayload(); break;
            case "amount NaN": e.Transaction.Amount = double.NaN; break;
            case "amount infinite": e.Transaction.Amount = double.PositiveInfinity; break;
            case "amount zero": e.Transaction.Amount = 0; break;
            case "amount negative": e.Transaction.Amount = -5; break;
            case "amount huge": e.Transaction.Amount = 1e12; break;
            case "kind unspecified": e.Transaction.Kind = TransactionKind.Unspecified; break;
            case "kind undefined": e.Transaction.Kind = (TransactionKind)42; break;
            case "category unspecified": e.Transaction.MerchantCategory = MerchantCategory.Unspecified; break;
            case "currency missing": e.Transaction.Currency = ""; break;
            case "currency lower case": e.Transaction.Currency = "cny"; break;
            case "currency four letters": e.Transaction.Currency = "CNYX"; break;
            case "repayment without due date": e = Ev.Repayment(t, 10, 10, t); e.Repayment.DueDate = null; break;
            case "repayment amount zero": e = Ev.Repayment(t, 0, 10, t); break;
            case "repayment balance negative": e = Ev.Repayment(t, 10, -1, t); break;
            case "statement without due date": e = Ev.Statement(t, 10, t); e.Statement.DueDate = null; break;
            case "statement balance NaN": e = Ev.Statement(t, 10, t); e.Statement.Balance = double.NaN; break;
            case "limit zero": e = Ev.Limit(t, 0); break;
            case "contact without id": e = Ev.Contact(t, "", ContactKind.Complaint, ContactAction.Opened); break;
            case "contact kind unspecified": e = Ev.Contact(t, "c", ContactKind.Unspecified, ContactAction.Opened); break;
            case "contact action unspecified": e = Ev.Contact(t, "c", ContactKind.Complaint, ContactAction.Unspecified); break;
            case "card status unspecified": e = Ev.CardStatus(t, CardStatus.Unspecified); break;
            case "offer without id": e = Ev.Offer(t, "", OfferOutcomeKind.Shown); break;
            case "offer outcome unspecified": e = Ev.Offer(t, "o", OfferOutcomeKind.Unspecified); break;
            default: throw new ArgumentException(@case);
        }

        return e;
    }
}
