using Google.Protobuf.WellKnownTypes;
using Scoring.V1;

namespace Scoring.Features.Validation;

/// <summary>
/// Checks events and profiles before any state change (events.proto documents each rule).
/// Reason codes are stable: callers count them and senders match on them.
/// </summary>
public static class EventValidator
{
    /// <summary>Largest accepted amount in major units; keeps cents well inside a long.</summary>
    public const double MaxAmount = 1e11;

    // The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31.
    private const long MinTimestampSeconds = -62135596800;
    private const long MaxTimestampSeconds = 253402300799;

    /// <summary>Validates an event against the clock; null when valid.</summary>
    public static ValidationError? Validate(Event e, TimeProvider clock, TimeSpan maxSkew)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(clock);
        if (e.EventId.Length == 0)
        {
            return new("missing_event_id", "event_id", "event_id is required");
        }

        if (e.EventId.Length > 128 || !IsPrintableAscii(e.EventId))
        {
            return new("invalid_event_id", "event_id", "event_id must be 1 to 128 printable ASCII characters");
        }

        if (CheckCustomerId(e.CustomerId, "customer_id") is { } c)
        {
            return c;
        }

        if (e.EventTime is null)
        {
            return new("missing_event_time", "event_time", "event_time is required");
        }

        if (CheckTimestamp(e.EventTime, "event_time") is { } t)
        {
            return t;
        }

        if (e.EventTime.ToDateTimeOffset() > clock.GetUtcNow() + maxSkew)
        {
            return new("event_time_in_future", "event_time", $"event_time is more than {maxSkew.TotalMinutes:0} minutes ahead of the server clock");
        }

        return e.PayloadCase switch
        {
            Event.PayloadOneofCase.None => new("missing_payload", "payload", "exactly one payload is required"),
            Event.PayloadOneofCase.Transaction => CheckTransaction(e.Transaction),
            Event.PayloadOneofCase.Repayment => CheckRepayment(e.Repayment),
            Event.PayloadOneofCase.Statement => CheckStatement(e.Statement),
            Event.PayloadOneofCase.CreditLimitChange => CheckPositive(e.CreditLimitChange.NewLimit, "credit_limit_change.new_limit"),
            Event.PayloadOneofCase.AppLogin => null,
            Event.PayloadOneofCase.ServiceContact => CheckContact(e.ServiceContact),
            Event.PayloadOneofCase.CardStatusChange => e.CardStatusChange.Status == CardStatus.Unspecified
                ? new("card_status_unspecified", "card_status_change.status", "status is required")
                : Undefined(e.CardStatusChange.Status, "card_status_change.status"),
            Event.PayloadOneofCase.OfferOutcome => CheckOffer(e.OfferOutcome),
            _ => new("unknown_payload", "payload", "payload kind is not known to this server"),
        };
    }

    /// <summary>Validates a profile against the clock; null when valid.</summary>
    public static ValidationError? ValidateProfile(Profile p, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(clock);
        if (CheckCustomerId(p.CustomerId, "profile.customer_id") is { } c)
        {
            return c;
        }

        if (CheckPositive(p.CreditLimit, "profile.credit_limit") is { } l)
        {
            return l;
        }

        if (p.OpenDate is null)
        {
            return new("missing_open_date", "profile.open_date", "open_date is required");
        }

        if (CheckTimestamp(p.OpenDate, "profile.open_date") is { } t)
        {
            return t;
        }

        if (p.OpenDate.ToDateTimeOffset() > clock.GetUtcNow())
        {
            return new("open_date_in_future", "profile.open_date", "open_date must not be in the future");
        }

        if (p.ProductsHeld < 1)
        {
            return new("products_held_out_of_range", "profile.products_held", "products_held must be at least 1");
        }

        return Undefined(p.AgeBand, "profile.age_band")
            ?? Undefined(p.IncomeBand, "profile.income_band")
            ?? Undefined(p.CardProduct, "profile.card_product");
    }

    /// <summary>Customer ids: 1 to 64 characters of [A-Za-z0-9_-].</summary>
    public static ValidationError? CheckCustomerId(string id, string field)
    {
        if (string.IsNullOrEmpty(id))
        {
            return new("missing_customer_id", field, "customer_id is required");
        }

        if (id.Length > 64)
        {
            return new("invalid_customer_id", field, "customer_id must be at most 64 characters");
        }

        foreach (var ch in id)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'))
            {
                return new("invalid_customer_id", field, "customer_id may contain only A-Z, a-z, 0-9, '_' and '-'");
            }
        }

        return null;
    }

    private static ValidationError? CheckTransaction(Transaction t)
    {
        if (t.Kind == TransactionKind.Unspecified)
        {
            return new("transaction_kind_unspecified", "transaction.kind", "kind is required");
        }

        return Undefined(t.Kind, "transaction.kind")
            ?? CheckPositive(t.Amount, "transaction.amount")
            ?? CheckCurrency(t.Currency, "transaction.currency")
            ?? (t.MerchantCategory == MerchantCategory.Unspecified
                ? new("merchant_category_unspecified", "transaction.merchant_category", "merchant_category is required (use OTHER when not known)")
                : Undefined(t.MerchantCategory, "transaction.merchant_category"));
    }

    private static ValidationError? CheckRepayment(Repayment r) =>
        CheckPositive(r.Amount, "repayment.amount")
        ?? CheckNonNegative(r.StatementBalance, "repayment.statement_balance")
        ?? CheckNonNegative(r.MinimumDue, "repayment.minimum_due")
        ?? (r.DueDate is null
            ? new("missing_due_date", "repayment.due_date", "due_date is required")
            : CheckTimestamp(r.DueDate, "repayment.due_date"));

    private static ValidationError? CheckStatement(Statement s) =>
        CheckNonNegative(s.Balance, "statement.balance")
        ?? CheckNonNegative(s.MinimumDue, "statement.minimum_due")
        ?? (s.DueDate is null
            ? new("missing_due_date", "statement.due_date", "due_date is required")
            : CheckTimestamp(s.DueDate, "statement.due_date"));

    private static ValidationError? CheckContact(ServiceContact c)
    {
        if (c.ContactId.Length == 0)
        {
            return new("missing_contact_id", "service_contact.contact_id", "contact_id is required");
        }

        if (c.ContactId.Length > 64)
        {
            return new("invalid_contact_id", "service_contact.contact_id", "contact_id must be at most 64 characters");
        }

        if (c.Kind == ContactKind.Unspecified)
        {
            return new("contact_kind_unspecified", "service_contact.kind", "kind is required");
        }

        if (c.Action == ContactAction.Unspecified)
        {
            return new("contact_action_unspecified", "service_contact.action", "action is required");
        }

        return Undefined(c.Kind, "service_contact.kind") ?? Undefined(c.Action, "service_contact.action");
    }

    private static ValidationError? CheckOffer(OfferOutcome o)
    {
        if (o.OfferId.Length == 0)
        {
            return new("missing_offer_id", "offer_outcome.offer_id", "offer_id is required");
        }

        if (o.OfferId.Length > 64 || !IsPrintableAscii(o.OfferId))
        {
            return new("invalid_offer_id", "offer_outcome.offer_id", "offer_id must be 1 to 64 printable ASCII characters");
        }

        return o.Outcome == OfferOutcomeKind.Unspecified
            ? new("offer_outcome_unspecified", "offer_outcome.outcome", "outcome is required")
            : Undefined(o.Outcome, "offer_outcome.outcome");
    }

    private static ValidationError? CheckPositive(double v, string field)
    {
        if (!double.IsFinite(v))
        {
            return new(Code(field, "not_finite"), field, "must be a finite number");
        }

        if (v <= 0)
        {
            return new(Code(field, "not_positive"), field, "must be greater than zero");
        }

        return v > MaxAmount ? new(Code(field, "out_of_range"), field, $"must be at most {MaxAmount:0}") : null;
    }

    private static ValidationError? CheckNonNegative(double v, string field)
    {
        if (!double.IsFinite(v))
        {
            return new(Code(field, "not_finite"), field, "must be a finite number");
        }

        if (v < 0)
        {
            return new(Code(field, "negative"), field, "must not be negative");
        }

        return v > MaxAmount ? new(Code(field, "out_of_range"), field, $"must be at most {MaxAmount:0}") : null;
    }

    private static ValidationError? CheckCurrency(string c, string field)
    {
        if (c.Length == 0)
        {
            return new("missing_currency", field, "currency is required");
        }

        return c.Length == 3 && char.IsAsciiLetterUpper(c[0]) && char.IsAsciiLetterUpper(c[1]) && char.IsAsciiLetterUpper(c[2])
            ? null
            : new("invalid_currency", field, "currency must be an ISO 4217 code of three upper-case letters");
    }

    private static ValidationError? CheckTimestamp(Timestamp t, string field) =>
        t.Seconds < MinTimestampSeconds || t.Seconds > MaxTimestampSeconds || t.Nanos < 0 || t.Nanos > 999_999_999
            ? new("invalid_timestamp", field, "timestamp is out of range")
            : null;

    private static ValidationError? Undefined<T>(T value, string field)
        where T : struct, System.Enum =>
        System.Enum.IsDefined(value) ? null : new("unknown_enum_value", field, $"value {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)} is not defined");

    // "transaction.amount" + "not_finite" -> "amount_not_finite": the last path segment names the code.
    private static string Code(string field, string what) => string.Concat(field.AsSpan(field.LastIndexOf('.') + 1), "_", what);

    private static bool IsPrintableAscii(string s)
    {
        foreach (var ch in s)
        {
            if (ch is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
