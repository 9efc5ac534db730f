using Google.Protobuf.Collections;
using Scoring.Decisions.Internal;
using Scoring.Features;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>
/// Next-best-offer arbitration for one customer, in this order:
/// <list type="number">
/// <item>eligibility: months on book, required and forbidden feature conditions;</item>
/// <item>applicability: channel, season, then contact rules from the outcome history
/// (suppression after acceptance, cooldown after decline, show cap within the window);</item>
/// <item>suitability: tier and stage fit, risk limits (late payments, utilisation, churn band);
/// missing risk data excludes an offer that has a limit on it;</item>
/// <item>score = propensity × context × business value × lever, where propensity is the
/// offer model's probability (the catalogue prior when the offer has no model or the model
/// gave nothing) and context is the offer's churn boost for HIGH / CRITICAL bands (1
/// otherwise); ties break by offer id, ordinal, so the ranking is deterministic.</item>
/// </list>
/// The per-call path reads arrays by index and writes into a reusable result: no names are
/// looked up per offer and nothing is allocated.
/// </summary>
public static class OfferArbiter
{
    public const int DefaultMaxOffers = 3;
    public const int MaxOffersLimit = 20;

    public static void Arbitrate(OfferCatalogue catalogue, in ArbitrationRequest request, ArbitrationResult result)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(result);
        var offers = catalogue.Span;
        var features = request.Features;
        if (features.Length != catalogue.Schema.Count)
        {
            throw new ArgumentException($"Features has {features.Length} entries; the catalogue's schema has {catalogue.Schema.Count}", nameof(request));
        }

        if (request.Propensities.Length != 0 && request.Propensities.Length != offers.Length)
        {
            throw new ArgumentException($"Propensities has {request.Propensities.Length} entries; the catalogue has {offers.Length} offers", nameof(request));
        }

        if (request.Channel == Channel.Unspecified)
        {
            throw new ArgumentException("Channel must be specified", nameof(request));
        }

        var maxOffers = request.MaxOffers == 0 ? DefaultMaxOffers : request.MaxOffers;
        if (maxOffers is < 1 or > MaxOffersLimit)
        {
            throw new ArgumentException($"MaxOffers must be 1 to {MaxOffersLimit} (0 for the default {DefaultMaxOffers}), got {request.MaxOffers}", nameof(request));
        }

        var history = request.History;
        if (history.Length != 0 && history.Length != offers.Length)
        {
            throw new ArgumentException($"History has {history.Length} entries; the catalogue has {offers.Length} offers", nameof(request));
        }

        // Validated up front so a bad input fails the call whatever the offers' outcomes, before the result is touched.
        for (var i = 0; i < history.Length; i++)
        {
            if (history[i] is { } h && !ReferenceEquals(h.OfferId, offers[i].Id) && !string.Equals(h.OfferId, offers[i].Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"History[{i}] is for offer '{h.OfferId}', expected '{offers[i].Id}' (catalogue order)", nameof(request));
            }
        }

        for (var i = 0; i < request.Propensities.Length; i++)
        {
            if (request.Propensities[i] is < 0 or > 1)
            {
                throw new ArgumentException($"Propensities[{i}] ({offers[i].Id}) must be a probability from 0 to 1 (NaN for none), got {request.Propensities[i]}", nameof(request));
            }
        }

        result.Reset(offers.Length);
        for (var i = 0; i < offers.Length; i++)
        {
            var offer = offers[i];
            if (Eligibility(catalogue, offer, i, features) is { } notEligible)
            {
                result.Exclude(notEligible);
                continue;
            }

            var contacts = history.Length == 0 ? null : history[i];
            if (Applicability(offer, i, request.Channel, request.Now, contacts) is { } notApplicable)
            {
                result.Exclude(notApplicable);
                continue;
            }

            if (Suitability(catalogue, offer, i, in request) is { } notSuitable)
            {
                result.Exclude(notSuitable);
                continue;
            }

            var propensity = offer.PropensityModel is not null && request.Propensities.Length != 0 && !double.IsNaN(request.Propensities[i])
                ? request.Propensities[i]
                : offer.Prior;

            var context = request.Band switch
            {
                RiskBand.High => offer.ChurnBoostHigh,
                RiskBand.Critical => offer.ChurnBoostCritical,
                _ => 1.0,
            };
            var expectedValue = propensity * offer.BusinessValue;
            result.Add(new OfferCandidate(i, propensity, context, expectedValue, expectedValue * context * offer.Lever));
        }

        Sort(result.Candidates, offers);
        result.Rank(maxOffers);
    }

    /// <summary>Appends the recommended offers as API messages, with their "why" text rendered from the live features.</summary>
    public static void ToRecommendations(OfferCatalogue catalogue, ArbitrationResult result, ReadOnlySpan<float> features, RepeatedField<OfferRecommendation> into)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(into);
        foreach (var c in result.Recommended)
        {
            var offer = catalogue.Span[c.OfferIndex];
            into.Add(new OfferRecommendation
            {
                OfferId = offer.Id,
                Name = offer.Name,
                Propensity = c.Propensity,
                ExpectedValue = c.ExpectedValue,
                Score = c.Score,
                Why = offer.Why.Render(features),
            });
        }
    }

    /// <summary>Readable text for an exclusion, for tests and logs (no customer data beyond the offending value).</summary>
    public static string Describe(OfferCatalogue catalogue, in OfferExclusion exclusion)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var offer = catalogue.Span[exclusion.OfferIndex];
        var observed = Phrases.Number(exclusion.Observed);
        var detail = exclusion.Reason switch
        {
            ExclusionReason.MonthsOnBook => double.IsNaN(exclusion.Observed)
                ? $"months_on_book is missing (minimum {Phrases.Number(offer.MinMonthsOnBook)})"
                : $"months_on_book {observed} below the minimum {Phrases.Number(offer.MinMonthsOnBook)}",
            ExclusionReason.RequiredConditionNotMet => $"requires {offer.Require[exclusion.RuleIndex]}, value is {observed}",
            ExclusionReason.ForbiddenConditionMet => $"forbidden when {offer.Forbid[exclusion.RuleIndex]}, value is {observed}",
            ExclusionReason.Channel => $"not offered on channel {(Channel)(int)exclusion.Observed}",
            ExclusionReason.OutOfSeason => $"out of season ({offer.Season})",
            ExclusionReason.SuppressedAfterAcceptance => $"accepted recently; suppressed until {OfferExclusion.Date(exclusion.Until)}",
            ExclusionReason.CooldownAfterDecline => $"declined recently; cooldown until {OfferExclusion.Date(exclusion.Until)}",
            ExclusionReason.ContactCap => $"shown {observed} times in the last {offer.Contact.WindowDays} days (cap {offer.Contact.MaxShows})",
            ExclusionReason.Tier => $"tier {(ValueTier)(int)exclusion.Observed} not eligible",
            ExclusionReason.Stage => $"lifecycle stage {(LifecycleStage)(int)exclusion.Observed} not eligible",
            ExclusionReason.LatePayments => $"late_payments_12m {observed} above the limit {Phrases.Number(offer.MaxLatePayments12m)}",
            ExclusionReason.Utilisation => $"utilisation {observed} above the limit {Phrases.Number(offer.MaxUtilisation)}",
            ExclusionReason.RiskBand => $"churn band {(RiskBand)(int)exclusion.Observed} above the limit {offer.MaxRiskBand}",
            ExclusionReason.RiskDataMissing => $"risk limit cannot be checked: {(exclusion.RuleIndex >= 0 ? catalogue.Schema.Name(exclusion.RuleIndex) : "churn band")} is missing",
            _ => exclusion.Reason.ToString(),
        };
        return $"{offer.Id}: {exclusion.Step.ToString().ToLowerInvariant()}: {detail}";
    }

    private static OfferExclusion? Eligibility(OfferCatalogue catalogue, Offer offer, int i, ReadOnlySpan<float> features)
    {
        if (!float.IsNaN(offer.MinMonthsOnBook))
        {
            var months = features[catalogue.MonthsOnBookIndex];
            if (!(months >= offer.MinMonthsOnBook))
            {
                return new OfferExclusion(i, ExclusionReason.MonthsOnBook, months, catalogue.MonthsOnBookIndex, default);
            }
        }

        var require = offer.Require;
        for (var r = 0; r < require.Length; r++)
        {
            var v = features[require[r].FeatureIndex];
            if (!require[r].Holds(v))
            {
                return new OfferExclusion(i, ExclusionReason.RequiredConditionNotMet, v, r, default);
            }
        }

        var forbid = offer.Forbid;
        for (var r = 0; r < forbid.Length; r++)
        {
            var v = features[forbid[r].FeatureIndex];
            if (forbid[r].Holds(v))
            {
                return new OfferExclusion(i, ExclusionReason.ForbiddenConditionMet, v, r, default);
            }
        }

        return null;
    }

    private static OfferExclusion? Applicability(Offer offer, int i, Channel channel, DateTimeOffset now, OfferContactHistory? history)
    {
        if (!offer.AllowsChannel(channel))
        {
            return new OfferExclusion(i, ExclusionReason.Channel, (int)channel, -1, default);
        }

        if (offer.Season is { } season && !season.Contains(now))
        {
            return new OfferExclusion(i, ExclusionReason.OutOfSeason, double.NaN, -1, default);
        }

        if (history is not { } contacts)
        {
            return null;
        }

        var rules = offer.Contact;
        if (rules.SuppressDaysAfterAcceptance > 0 && contacts.LastAccepted is { } accepted)
        {
            var until = accepted.AddDays(rules.SuppressDaysAfterAcceptance);
            if (now < until)
            {
                return new OfferExclusion(i, ExclusionReason.SuppressedAfterAcceptance, double.NaN, -1, until);
            }
        }

        if (rules.CooldownDaysAfterDecline > 0 && contacts.LastDeclined is { } declined)
        {
            var until = declined.AddDays(rules.CooldownDaysAfterDecline);
            if (now < until)
            {
                return new OfferExclusion(i, ExclusionReason.CooldownAfterDecline, double.NaN, -1, until);
            }
        }

        // The loader allows only the windows the history counts (7, 30, 90 days).
        var shows = rules.WindowDays switch
        {
            7 => contacts.ShownLast7Days,
            30 => contacts.ShownLast30Days,
            _ => contacts.ShownLast90Days,
        };
        return shows >= rules.MaxShows
            ? new OfferExclusion(i, ExclusionReason.ContactCap, shows, -1, default)
            : null;
    }

    private static OfferExclusion? Suitability(OfferCatalogue catalogue, Offer offer, int i, in ArbitrationRequest request)
    {
        if (!offer.AllowsTier(request.Tier))
        {
            return new OfferExclusion(i, ExclusionReason.Tier, (int)request.Tier, -1, default);
        }

        if (!offer.AllowsStage(request.Stage))
        {
            return new OfferExclusion(i, ExclusionReason.Stage, (int)request.Stage, -1, default);
        }

        var features = request.Features;
        if (!float.IsNaN(offer.MaxLatePayments12m))
        {
            var late = features[catalogue.LatePaymentsIndex];
            if (float.IsNaN(late))
            {
                return new OfferExclusion(i, ExclusionReason.RiskDataMissing, late, catalogue.LatePaymentsIndex, default);
            }

            if (late > offer.MaxLatePayments12m)
            {
                return new OfferExclusion(i, ExclusionReason.LatePayments, late, catalogue.LatePaymentsIndex, default);
            }
        }

        if (!float.IsNaN(offer.MaxUtilisation))
        {
            var utilisation = features[catalogue.UtilisationIndex];
            if (float.IsNaN(utilisation))
            {
                return new OfferExclusion(i, ExclusionReason.RiskDataMissing, utilisation, catalogue.UtilisationIndex, default);
            }

            if (utilisation > offer.MaxUtilisation)
            {
                return new OfferExclusion(i, ExclusionReason.Utilisation, utilisation, catalogue.UtilisationIndex, default);
            }
        }

        if (offer.MaxRiskBand != RiskBand.Unspecified)
        {
            if (request.Band == RiskBand.Unspecified)
            {
                return new OfferExclusion(i, ExclusionReason.RiskDataMissing, double.NaN, -1, default);
            }

            if (request.Band > offer.MaxRiskBand)
            {
                return new OfferExclusion(i, ExclusionReason.RiskBand, (int)request.Band, -1, default);
            }
        }

        return null;
    }

    // Insertion sort: ~18 candidates, no allocation, and the tie rule stays explicit.
    private static void Sort(Span<OfferCandidate> candidates, ReadOnlySpan<Offer> offers)
    {
        for (var i = 1; i < candidates.Length; i++)
        {
            var item = candidates[i];
            var j = i - 1;
            while (j >= 0 && Before(item, candidates[j], offers))
            {
                candidates[j + 1] = candidates[j];
                j--;
            }

            candidates[j + 1] = item;
        }
    }

    private static bool Before(in OfferCandidate a, in OfferCandidate b, ReadOnlySpan<Offer> offers) =>
        a.Score > b.Score || (a.Score == b.Score && string.CompareOrdinal(offers[a.OfferIndex].Id, offers[b.OfferIndex].Id) < 0);
}
