using System.Text.Json.Serialization;

namespace Scoring.Decisions.Internal;

// The JSON shape of offers.json (snake_case). Everything is nullable so that validation,
// not the deserializer, reports what is missing, naming the offer and the field.

internal sealed class CatalogueDocument
{
    public string? Version { get; set; }

    public List<OfferDocument?>? Offers { get; set; }
}

internal sealed class OfferDocument
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Category { get; set; }

    public EligibilityDocument? Eligibility { get; set; }

    public List<string?>? Channels { get; set; }

    public double? BusinessValue { get; set; }

    public double? Lever { get; set; }

    public double? Prior { get; set; }

    public string? PropensityModel { get; set; }

    public ContactDocument? Contact { get; set; }

    public SeasonDocument? Season { get; set; }

    public ChurnBoostDocument? ChurnBoost { get; set; }

    public string? Why { get; set; }
}

internal sealed class EligibilityDocument
{
    public List<string?>? Tiers { get; set; }

    public List<string?>? Stages { get; set; }

    public double? MinMonthsOnBook { get; set; }

    // The snake_case policy would write "max_late_payments12m"; the feature is late_payments_12m.
    [JsonPropertyName("max_late_payments_12m")]
    public double? MaxLatePayments12m { get; set; }

    public double? MaxUtilisation { get; set; }

    public string? MaxRiskBand { get; set; }

    public List<RuleDocument?>? Require { get; set; }

    public List<RuleDocument?>? Forbid { get; set; }
}

internal sealed class RuleDocument
{
    public string? Feature { get; set; }

    public string? Op { get; set; }

    public double? Value { get; set; }
}

internal sealed class ContactDocument
{
    public int? MaxShows { get; set; }

    public int? WindowDays { get; set; }

    public int? CooldownDaysAfterDecline { get; set; }

    public int? SuppressDaysAfterAcceptance { get; set; }
}

internal sealed class SeasonDocument
{
    public string? From { get; set; }

    public string? To { get; set; }
}

internal sealed class ChurnBoostDocument
{
    public double? High { get; set; }

    public double? Critical { get; set; }
}
