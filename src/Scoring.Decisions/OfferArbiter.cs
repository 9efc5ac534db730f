using Google.Protobuf.Collections;
using Scoring.Decisions.Internal;
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
/// looked up per offer and nothing is allocated for catalogues up to 64 offers.
/// </summary>
public static class OfferArbiter
{
    public const int DefaultMaxOffers = 3;
    public const int MaxOffersLimit = 20;
    private const int StackOffers = 64;

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

        result.Reset(offers.Length);
        var stats = offers.Length <= StackOffers ? stackalloc ContactStats[offers.Length] : new ContactStats[offers.Length];
        stats.Clear();
        Tally(catalogue, request.History, request.Now, stats);

        var nowTicks = request.Now.UtcTicks;
        for (var i = 0; i < offers.Length; i++)
        {
            var offer = offers[i];
            if (Eligibility(catalogue, offer, i, features) is { } notEligible)
            {
                result.Exclude(notEligible);
                continue;
            }

            if (Applicability(offer, i, request.Channel, request.Now, nowTicks, stats[i]) is { } notApplicable)
            {
                result.Exclude(notApplicable);
                continue;
            }

            if (Suitability(catalogue, offer, i, in request) is { } notSuitable)
            {
                result.Exclude(notSuitable);
                continue;
            }

            var propensity = offer.Prior;
            if (offer.PropensityModel is not null && request.Propensities.Length != 0 && !double.IsNaN(request.Propensities[i]))
            {
                propensity = request.Propensities[i];
                if (propensity is < 0 or > 1)
                {
                    throw new ArgumentException($"Propensities[{i}] ({offer.Id}) must be a probability from 0 to 1, got {propensity}", nameof(request));
                }
            }

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
    public static void ToRecommendations(OfferCatalogue catalogue, ArbitrationResult result, ReadOnlySpan<double> features, RepeatedField<OfferRecommendation> into)
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
            ExclusionReason.MonthsOnBook => $"months_on_book {observed} below the minimum {Phrases.Number(offer.MinMonthsOnBook)}",
            ExclusionReason.RequiredConditionNotMet => $"requires {offer.Require[exclusion.RuleIndex]}, value is {observed}",
            ExclusionReason.ForbiddenConditionMet => $"forbidden when {offer.Forbid[exclusion.RuleIndex]}, value is {observed}",
            ExclusionReason.Channel => $"not offered on channel {(Channel)(int)exclusion.Observed}",
            ExclusionReason.OutOfSeason => $"out of season ({offer.Season})",
            ExclusionReason.SuppressedAfterAcceptance => $"accepted recently; suppressed until {OfferExclusion.Date(exclusion.Until)}",
            ExclusionReason.CooldownAfterDecline => $"declined recently; cooldown until {OfferExclusion.Date(exclusion.Until)}",
            ExclusionReason.ContactCap => $"shown {observed} times in {offer.Contact.WindowDays} days (cap {offer.Contact.MaxShows}) until {OfferExclusion.Date(exclusion.Until)}",
            ExclusionReason.Tier => $"tier {(ValueTier)(int)exclusion.Observed} not eligible",
            ExclusionReason.Stage => $"lifecycle stage {(LifecycleStage)(int)exclusion.Observed} not eligible",
            ExclusionReason.LatePayments => $"late_payments_12m {observed} above the limit {Phrases.Number(offer.MaxLatePayments12m)}",
            ExclusionReason.Utilisation => $"utilisation {observed} above the limit {Phrases.Number(offer.MaxUtilisation)}",
            ExclusionReason.RiskBand => $"churn band {(RiskBand)(int)exclusion.Observed} above the limit {offer.MaxRiskBand}",
            ExclusionReason.RiskDataMissing => $"risk limit cannot be checked: {(exclusion.RuleIndex >= 0 ? catalogue.Schema[exclusion.RuleIndex].Name : "churn band")} is missing",
            _ => exclusion.Reason.ToString(),
        };
        return $"{offer.Id}: {exclusion.Step.ToString().ToLowerInvariant()}: {detail}";
    }

    private static OfferExclusion? Eligibility(OfferCatalogue catalogue, Offer offer, int i, ReadOnlySpan<double> features)
    {
        if (!double.IsNaN(offer.MinMonthsOnBook))
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

    private static OfferExclusion? Applicability(Offer offer, int i, Channel channel, DateTimeOffset now, long nowTicks, in ContactStats stats)
    {
        if (!offer.AllowsChannel(channel))
        {
            return new OfferExclusion(i, ExclusionReason.Channel, (int)channel, -1, default);
        }

        if (offer.Season is { } season && !season.Contains(now))
        {
            return new OfferExclusion(i, ExclusionReason.OutOfSeason, double.NaN, -1, default);
        }

        var contact = offer.Contact;
        if (contact.SuppressDaysAfterAcceptance > 0 && stats.LastAccepted != 0)
        {
            var until = stats.LastAccepted + (contact.SuppressDaysAfterAcceptance * TimeSpan.TicksPerDay);
            if (nowTicks < until)
            {
                return new OfferExclusion(i, ExclusionReason.SuppressedAfterAcceptance, double.NaN, -1, new DateTimeOffset(until, TimeSpan.Zero));
            }
        }

        if (contact.CooldownDaysAfterDecline > 0 && stats.LastDeclined != 0)
        {
            var until = stats.LastDeclined + (contact.CooldownDaysAfterDecline * TimeSpan.TicksPerDay);
            if (nowTicks < until)
            {
                return new OfferExclusion(i, ExclusionReason.CooldownAfterDecline, double.NaN, -1, new DateTimeOffset(until, TimeSpan.Zero));
            }
        }

        if (stats.ShowsInWindow >= contact.MaxShows)
        {
            // The cap lifts when the oldest show in the window falls out of it.
            var until = stats.OldestShowInWindow + (contact.WindowDays * TimeSpan.TicksPerDay);
            return new OfferExclusion(i, ExclusionReason.ContactCap, stats.ShowsInWindow, -1, new DateTimeOffset(until, TimeSpan.Zero));
        }

        return null;
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
        if (!double.IsNaN(offer.MaxLatePayments12m))
        {
            var late = features[catalogue.LatePaymentsIndex];
            if (double.IsNaN(late))
            {
                return new OfferExclusion(i, ExclusionReason.RiskDataMissing, late, catalogue.LatePaymentsIndex, default);
            }

            if (late > offer.MaxLatePayments12m)
            {
                return new OfferExclusion(i, ExclusionReason.LatePayments, late, catalogue.LatePaymentsIndex, default);
            }
        }

        if (!double.IsNaN(offer.MaxUtilisation))
        {
            var utilisation = features[catalogue.UtilisationIndex];
            if (double.IsNaN(utilisation))
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

    private static void Tally(OfferCatalogue catalogue, ReadOnlySpan<OfferContact> history, DateTimeOffset now, Span<ContactStats> stats)
    {
        var offers = catalogue.Span;
        var nowTicks = now.UtcTicks;
        foreach (ref readonly var contact in history)
        {
            if (contact.OfferId is null || !catalogue.TryGetIndex(contact.OfferId, out var index))
            {
                continue;
            }

            ref var s = ref stats[index];
            var at = contact.At.UtcTicks;
            switch (contact.Outcome)
            {
                case OfferOutcomeKind.Shown:
                    var windowStart = nowTicks - (offers[index].Contact.WindowDays * TimeSpan.TicksPerDay);
                    if (at > windowStart && at <= nowTicks)
                    {
                        s.ShowsInWindow++;
                        s.OldestShowInWindow = s.OldestShowInWindow == 0 ? at : Math.Min(s.OldestShowInWindow, at);
                    }

                    break;
                case OfferOutcomeKind.Declined:
                    s.LastDeclined = Math.Max(s.LastDeclined, at);
                    break;
                case OfferOutcomeKind.Accepted:
                    s.LastAccepted = Math.Max(s.LastAccepted, at);
                    break;
            }
        }
    }

    // Insertion sort: ~18 candidates, already nearly ordered by nothing in particular; no allocation.
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

    private struct ContactStats
    {
        public int ShowsInWindow;
        public long OldestShowInWindow;
        public long LastDeclined;
        public long LastAccepted;
    }
}
