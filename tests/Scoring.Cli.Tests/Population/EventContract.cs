using System.Text.RegularExpressions;
using Scoring.Cli.Population;
using Scoring.V1;

namespace Scoring.Cli.Tests.Population;

/// <summary>
/// The event rules written in protos/scoring/v1/events.proto, checked independently of the
/// generator. Returns the first violation, or null.
/// </summary>
internal static partial class EventContract
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex CustomerIdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static string? Violation(Event e, DateTimeOffset now)
    {
        if (e.EventId.Length is < 1 or > 128 || e.EventId.Any(c => c < 0x21 || c > 0x7E))
        {
            return "event_id must be 1 to 128 printable ASCII characters";
        }

        if (!CustomerIdPattern().IsMatch(e.CustomerId))
        {
            return "customer_id must be 1 to 64 characters of [A-Za-z0-9_-]";
        }

        if (e.EventTime is null || e.EventTime.ToDateTimeOffset() > now.AddMinutes(5))
        {
            return "event_time is required and at most 5 minutes ahead";
        }

        return e.PayloadCase switch
        {
            Event.PayloadOneofCase.Transaction => Transaction(e.Transaction),
            Event.PayloadOneofCase.Repayment => Positive(e.Repayment.Amount, "repayment.amount")
                ?? NonNegative(e.Repayment.StatementBalance, "repayment.statement_balance")
                ?? NonNegative(e.Repayment.MinimumDue, "repayment.minimum_due")
                ?? (e.Repayment.DueDate is null ? "repayment.due_date is required" : null),
            Event.PayloadOneofCase.Statement => NonNegative(e.Statement.Balance, "statement.balance")
                ?? NonNegative(e.Statement.MinimumDue, "statement.minimum_due")
                ?? (e.Statement.DueDate is null ? "statement.due_date is required" : null),
            Event.PayloadOneofCase.CreditLimitChange => Positive(e.CreditLimitChange.NewLimit, "credit_limit_change.new_limit")
                ?? Specified(e.CreditLimitChange.Reason, "credit_limit_change.reason"),
            Event.PayloadOneofCase.AppLogin => Specified(e.AppLogin.Platform, "app_login.platform"),
            Event.PayloadOneofCase.ServiceContact => ServiceContact(e.ServiceContact),
            Event.PayloadOneofCase.CardStatusChange => Specified(e.CardStatusChange.Status, "card_status_change.status"),
            Event.PayloadOneofCase.OfferOutcome => OfferIds.All.Contains(e.OfferOutcome.OfferId)
                ? Specified(e.OfferOutcome.Outcome, "offer_outcome.outcome") ?? Specified(e.OfferOutcome.Channel, "offer_outcome.channel")
                : "offer_outcome.offer_id must be in the catalogue",
            _ => "exactly one payload is required",
        };
    }

    private static string? Transaction(Transaction t) =>
        Specified(t.Kind, "transaction.kind")
        ?? Positive(t.Amount, "transaction.amount")
        ?? (CurrencyPattern().IsMatch(t.Currency) ? null : "transaction.currency must be three upper-case letters")
        ?? Specified(t.MerchantCategory, "transaction.merchant_category");

    private static string? ServiceContact(ServiceContact c) =>
        c.ContactId.Length is < 1 or > 64 ? "service_contact.contact_id must be 1 to 64 characters"
        : Specified(c.Kind, "service_contact.kind") ?? Specified(c.Action, "service_contact.action")
          ?? Specified(c.Topic, "service_contact.topic") ?? Specified(c.Channel, "service_contact.channel");

    private static string? Positive(double value, string field) =>
        double.IsFinite(value) && value > 0 ? null : $"{field} must be finite and > 0";

    private static string? NonNegative(double value, string field) =>
        double.IsFinite(value) && value >= 0 ? null : $"{field} must be finite and >= 0";

    private static string? Specified<T>(T value, string field)
        where T : struct, Enum =>
        Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0 && Enum.IsDefined(value) ? null : $"{field} must be specified";
}
