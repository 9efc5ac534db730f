using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Scoring.Decisions.Internal;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>
/// Parses and validates offers.json against a feature schema. Every problem is collected
/// and reported together, each naming the offer and the field, e.g.
/// <c>offer 'bill_instalment': channels[1]: unknown channel 'fax'</c>.
/// </summary>
public static partial class OfferCatalogueLoader
{
    public static readonly IReadOnlyList<string> Categories =
        ["credit", "retention", "rewards", "lifestyle", "upgrade", "activation", "premium", "digital", "service"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Loads and validates a catalogue file against the live feature vector (or another schema, in tests).</summary>
    public static async Task<OfferCatalogue> LoadFileAsync(string path, FeatureSchema schema, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, schema, Path.GetFileName(path));
    }

    public static OfferCatalogue Parse(string json, FeatureSchema schema, string source = "offers.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(schema);
        CatalogueDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CatalogueDocument>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new OfferCatalogueException(source, [DescribeJsonError(json, ex)]);
        }

        var errors = new List<string>();
        var offers = new List<Offer>();
        if (document?.Offers is not { Count: > 0 } list)
        {
            errors.Add("offers: the catalogue must hold at least one offer");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                var offer = new OfferValidator(list[i], i, schema, errors).Compile();
                if (offer is null)
                {
                    continue;
                }

                if (!seen.Add(offer.Id))
                {
                    errors.Add($"offer '{offer.Id}': id: appears more than once (offers[{i}])");
                    continue;
                }

                offers.Add(offer);
            }
        }

        if (errors.Count > 0)
        {
            throw new OfferCatalogueException(source, errors);
        }

        return new OfferCatalogue(document!.Version ?? "", [.. offers], schema);
    }

    // The deserializer reports a JSON path ($.offers[3].business_value); name the offer too.
    private static string DescribeJsonError(string json, JsonException ex)
    {
        var path = ex.Path ?? "$";
        var match = OfferIndexPattern().Match(path);
        var field = match.Success ? path[(match.Length)..].TrimStart('.') : path;
        var what = ex.Message;
        if (!match.Success)
        {
            return $"{path}: {what}";
        }

        var index = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        string? id = null;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.TryGetProperty("offers", out var arr) && arr.ValueKind == JsonValueKind.Array
                && index < arr.GetArrayLength() && arr[index].ValueKind == JsonValueKind.Object
                && arr[index].TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
            {
                id = idElement.GetString();
            }
        }
        catch (JsonException)
        {
            // Not well-formed JSON: the index is all we can name.
        }

        var who = id is null ? $"offers[{index}]" : $"offer '{id}'";
        return $"{who}: {(field.Length == 0 ? "(offer)" : field)}: {what}";
    }

    [GeneratedRegex(@"^\$\.offers\[(\d+)\]")]
    private static partial Regex OfferIndexPattern();

    private sealed class OfferValidator(OfferDocument? doc, int position, FeatureSchema schema, List<string> errors)
    {
        private string _who = $"offers[{position}]";

        public Offer? Compile()
        {
            if (doc is null)
            {
                errors.Add($"{_who}: must be an object, not null");
                return null;
            }

            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(doc.Id))
            {
                Error("id", "is required");
            }
            else if (!IdPattern().IsMatch(doc.Id))
            {
                Error("id", $"'{doc.Id}' must be lower-case letters, digits and '_'");
            }
            else
            {
                _who = $"offer '{doc.Id}'";
            }

            RequireText(doc.Name, "name");
            RequireText(doc.Description, "description");
            RequireText(doc.Why, "why");
            if (doc.Category is null)
            {
                Error("category", $"is required (one of {string.Join(", ", Categories)})");
            }
            else if (!Categories.Contains(doc.Category, StringComparer.Ordinal))
            {
                Error("category", $"unknown category '{doc.Category}' (expected {string.Join(", ", Categories)})");
            }

            var businessValue = RequireNumber(doc.BusinessValue, "business_value", min: 0);
            var lever = doc.Lever ?? 1;
            if (!(lever > 0) || double.IsInfinity(lever))
            {
                Error("lever", $"must be a finite number above 0, got {Fmt(lever)}");
            }

            var prior = RequireNumber(doc.Prior, "prior", min: 0);
            if (prior > 1)
            {
                Error("prior", $"must be a probability from 0 to 1, got {Fmt(prior)}");
            }

            if (doc.PropensityModel is { } model && string.IsNullOrWhiteSpace(model))
            {
                Error("propensity_model", "must be a model name or omitted");
            }

            var channelMask = 0;
            if (doc.Channels is not { Count: > 0 })
            {
                Error("channels", "must list at least one channel (mobile_app, call_centre, web, branch, sms, email)");
            }
            else
            {
                channelMask = Mask(doc.Channels, "channels", "channel", ChannelNames);
            }

            var e = doc.Eligibility ?? new EligibilityDocument();
            var tierMask = e.Tiers is null ? AllTiers : Mask(e.Tiers, "eligibility.tiers", "tier", TierNames);
            var stageMask = e.Stages is null ? AllStages : Mask(e.Stages, "eligibility.stages", "stage", StageNames);
            var minMonths = OptionalLimit(e.MinMonthsOnBook, "eligibility.min_months_on_book", DecisionFeatures.MonthsOnBook);
            var maxLate = OptionalLimit(e.MaxLatePayments12m, "eligibility.max_late_payments_12m", DecisionFeatures.LatePayments12m);
            var maxUtil = OptionalLimit(e.MaxUtilisation, "eligibility.max_utilisation", DecisionFeatures.Utilisation);
            var maxBand = RiskBand.Unspecified;
            if (e.MaxRiskBand is not null)
            {
                if (!BandNames.TryGetValue(e.MaxRiskBand, out maxBand))
                {
                    Error("eligibility.max_risk_band", $"unknown risk band '{e.MaxRiskBand}' (expected low, medium, high, critical)");
                }
            }

            // The README's "The business it serves": do not push credit to risky customers, so credit offers must say how risky is too risky.
            if (doc.Category == "credit")
            {
                if (e.MaxLatePayments12m is null)
                {
                    Error("eligibility.max_late_payments_12m", "is required for a credit offer");
                }

                if (e.MaxUtilisation is null)
                {
                    Error("eligibility.max_utilisation", "is required for a credit offer");
                }

                if (e.MaxRiskBand is null)
                {
                    Error("eligibility.max_risk_band", "is required for a credit offer");
                }
            }

            var require = Rules(e.Require, "eligibility.require");
            var forbid = Rules(e.Forbid, "eligibility.forbid");
            var contact = Contact(doc.Contact);
            SeasonWindow? season = null;
            if (doc.Season is not null)
            {
                var fromOk = SeasonWindow.TryParseMonthDay(doc.Season.From, out var fm, out var fd);
                var toOk = SeasonWindow.TryParseMonthDay(doc.Season.To, out var tm, out var td);
                if (!fromOk)
                {
                    Error("season.from", $"'{doc.Season.From}' must be a month-day like 11-01");
                }

                if (!toOk)
                {
                    Error("season.to", $"'{doc.Season.To}' must be a month-day like 11-11");
                }

                if (fromOk && toOk)
                {
                    season = new SeasonWindow(fm, fd, tm, td);
                }
            }

            double boostHigh = 1, boostCritical = 1;
            if (doc.ChurnBoost is not null)
            {
                boostHigh = RequireNumber(doc.ChurnBoost.High ?? 1, "churn_boost.high", min: 0);
                boostCritical = RequireNumber(doc.ChurnBoost.Critical ?? 1, "churn_boost.critical", min: 0);
            }

            WhyTemplate? why = null;
            if (!string.IsNullOrWhiteSpace(doc.Why) && WhyTemplate.TryCompile(doc.Why, schema, out why) is { } whyError)
            {
                Error("why", whyError);
            }

            if (errors.Count > before)
            {
                return null;
            }

            return new Offer
            {
                Id = doc.Id!,
                Name = doc.Name!,
                Description = doc.Description!,
                Category = doc.Category!,
                BusinessValue = businessValue,
                Lever = lever,
                Prior = prior,
                PropensityModel = doc.PropensityModel,
                TierMask = tierMask,
                StageMask = stageMask,
                ChannelMask = channelMask,
                MinMonthsOnBook = (float)minMonths,
                MaxLatePayments12m = (float)maxLate,
                MaxUtilisation = (float)maxUtil,
                MaxRiskBand = maxBand,
                Require = require,
                Forbid = forbid,
                Contact = contact,
                Season = season,
                ChurnBoostHigh = boostHigh,
                ChurnBoostCritical = boostCritical,
                Why = why!,
            };
        }

        private void Error(string field, string message) => errors.Add($"{_who}: {field}: {message}");

        private void RequireText(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Error(field, "is required");
            }
        }

        private double RequireNumber(double? value, string field, double min)
        {
            if (value is not { } v)
            {
                Error(field, "is required");
                return 0;
            }

            if (!double.IsFinite(v) || v < min)
            {
                Error(field, $"must be a finite number of at least {Fmt(min)}, got {Fmt(v)}");
            }

            return v;
        }

        private double OptionalLimit(double? value, string field, string feature)
        {
            if (value is not { } v)
            {
                return double.NaN;
            }

            if (!double.IsFinite(v) || v < 0)
            {
                Error(field, $"must be a finite number of at least 0, got {Fmt(v)}");
            }

            if (schema.IndexOf(feature) < 0)
            {
                Error(field, $"needs feature '{feature}', which the feature schema lacks");
            }

            return v;
        }

        private int Mask<T>(List<string?> names, string field, string what, IReadOnlyDictionary<string, T> known)
            where T : struct, Enum
        {
            if (names.Count == 0)
            {
                Error(field, $"must list at least one {what}, or be omitted to allow all");
            }

            var mask = 0;
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] is { } name && known.TryGetValue(name, out var value))
                {
                    mask |= Offer.Bit(Convert.ToInt32(value, CultureInfo.InvariantCulture));
                }
                else
                {
                    Error($"{field}[{i}]", $"unknown {what} '{names[i]}' (expected {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))})");
                }
            }

            return mask;
        }

        private FeatureRule[] Rules(List<RuleDocument?>? rules, string field)
        {
            if (rules is null)
            {
                return [];
            }

            var compiled = new List<FeatureRule>(rules.Count);
            for (var i = 0; i < rules.Count; i++)
            {
                var at = $"{field}[{i}]";
                if (rules[i] is not { } rule)
                {
                    Error(at, "must be an object {feature, op, value}");
                    continue;
                }

                var index = rule.Feature is null ? -1 : schema.IndexOf(rule.Feature);
                if (index < 0)
                {
                    Error(at + ".feature", rule.Feature is null ? "is required" : $"unknown feature '{rule.Feature}'");
                }

                if (!FeatureRule.TryParseOp(rule.Op, out var op))
                {
                    Error(at + ".op", $"unknown operator '{rule.Op}' (expected <, <=, >, >=, ==, !=)");
                }

                if (rule.Value is not { } value || !double.IsFinite(value))
                {
                    Error(at + ".value", "must be a finite number");
                    continue;
                }

                if (index >= 0)
                {
                    compiled.Add(new FeatureRule(index, rule.Feature!, op, (float)value));
                }
            }

            return [.. compiled];
        }

        private ContactRules Contact(ContactDocument? contact)
        {
            if (contact is null)
            {
                Error("contact", "is required (max_shows, window_days, cooldown_days_after_decline, suppress_days_after_acceptance)");
                return default;
            }

            var maxShows = RequireCount(contact.MaxShows, "contact.max_shows", min: 1);
            var window = RequireCount(contact.WindowDays, "contact.window_days", min: 1);
            if (contact.WindowDays is { } w && w is not (7 or 30 or 90))
            {
                Error("contact.window_days", $"must be 7, 30 or 90 (the windows the offer history counts shows over), got {w}");
            }

            var cooldown = RequireCount(contact.CooldownDaysAfterDecline, "contact.cooldown_days_after_decline", min: 0);
            var suppress = RequireCount(contact.SuppressDaysAfterAcceptance, "contact.suppress_days_after_acceptance", min: 0);
            return new ContactRules(maxShows, window, cooldown, suppress);
        }

        private int RequireCount(int? value, string field, int min)
        {
            if (value is not { } v)
            {
                Error(field, "is required");
                return 0;
            }

            if (v < min)
            {
                Error(field, $"must be at least {min}, got {v}");
            }

            return v;
        }

        private static string Fmt(double v) => v.ToString(CultureInfo.InvariantCulture);
    }

    private const int AllTiers = (1 << (int)ValueTier.Hnw) | (1 << (int)ValueTier.Potential) | (1 << (int)ValueTier.Mass) | (1 << (int)ValueTier.Basic);
    private const int AllStages = (1 << (int)LifecycleStage.New) | (1 << (int)LifecycleStage.Growing) | (1 << (int)LifecycleStage.Mature)
        | (1 << (int)LifecycleStage.Declining) | (1 << (int)LifecycleStage.Churned);

    private static readonly Dictionary<string, ValueTier> TierNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hnw"] = ValueTier.Hnw,
        ["potential"] = ValueTier.Potential,
        ["mass"] = ValueTier.Mass,
        ["basic"] = ValueTier.Basic,
    };

    private static readonly Dictionary<string, LifecycleStage> StageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["new"] = LifecycleStage.New,
        ["growing"] = LifecycleStage.Growing,
        ["mature"] = LifecycleStage.Mature,
        ["declining"] = LifecycleStage.Declining,
        ["churned"] = LifecycleStage.Churned,
    };

    private static readonly Dictionary<string, Channel> ChannelNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mobile_app"] = Channel.MobileApp,
        ["call_centre"] = Channel.CallCentre,
        ["web"] = Channel.Web,
        ["branch"] = Channel.Branch,
        ["sms"] = Channel.Sms,
        ["email"] = Channel.Email,
    };

    private static readonly Dictionary<string, RiskBand> BandNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["low"] = RiskBand.Low,
        ["medium"] = RiskBand.Medium,
        ["high"] = RiskBand.High,
        ["critical"] = RiskBand.Critical,
    };

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex IdPattern();
}
