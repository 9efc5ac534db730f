using Google.Protobuf.WellKnownTypes;
using Scoring.Decisions;
using Scoring.Features;
using Scoring.Host.Infrastructure;
using Scoring.Host.Models;
using Scoring.V1;

namespace Scoring.Host.Serving;

/// <summary>
/// Turns one customer's stored state into an answer: features at the scoring time, churn
/// probability, band and TreeSHAP reasons, value tier and lifecycle stage, and arbitrated
/// offers. Synchronous and CPU-only (the state was read before), so per-thread scratch
/// buffers are safe and the steady state allocates only the answer itself.
/// </summary>
internal sealed class CustomerScorer(ModelRegistry models, OfferCatalogueService offers)
{
    [ThreadStatic]
    private static Scratch? t_scratch;

    private OfferCatalogueMap? _catalogueMap;

    /// <summary>Churn probability and band of a catalogue-ordered vector (WatchRisk).</summary>
    public (double Probability, RiskBand Band) Churn(ReadOnlySpan<float> features)
    {
        var set = models.Current;
        var p = set.Churn.Predict(features);
        return (p, set.Bands.Classify(p));
    }

    /// <summary>Churn probability and band of a state at <paramref name="asOf"/> (the store's apply loop, for WatchRisk).</summary>
    public (double Probability, RiskBand Band) Churn(CustomerState state, DateTimeOffset asOf)
    {
        var set = models.Current;
        var s = ScratchFor(set);
        state.ComputeFeatures(asOf, s.Features);
        return Churn(s.Features);
    }

    /// <summary>Up to <paramref name="maxReasons"/> churn reasons of a catalogue-ordered vector (WatchRisk updates).</summary>
    public void ChurnReasons(ReadOnlySpan<float> features, int maxReasons, Google.Protobuf.Collections.RepeatedField<Reason> into)
    {
        var set = models.Current;
        var s = ScratchFor(set);
        var churn = set.Churn;
        var row = s.Row.AsSpan(0, churn.FeatureCount);
        churn.Gather(features, row);
        var contributions = s.Contributions.AsSpan(0, churn.FeatureCount + 1);
        churn.Package.Model.TreeShap(row, contributions);
        set.Reasons.Write(contributions, row, maxReasons, into);
    }

    public CustomerScores Score(string customerId, CustomerState state, DateTimeOffset asOf, in ScoreRequest request)
    {
        var set = models.Current;
        var s = ScratchFor(set);
        var features = s.Features;
        state.ComputeFeatures(asOf, features);
        var answer = new CustomerScores { CustomerId = customerId, ScoredAt = Timestamp.FromDateTimeOffset(asOf) };
        if (state.Watermark is { } newest)
        {
            answer.NewestEventTime = Timestamp.FromDateTimeOffset(newest);
            answer.NewestEventAge = Duration.FromTimeSpan(newest < asOf ? asOf - newest : TimeSpan.Zero);
        }

        var band = RiskBand.Unspecified;
        if (request.Churn || request.Offers)
        {
            var churn = set.Churn;
            var row = s.Row.AsSpan(0, churn.FeatureCount);
            churn.Gather(features, row);
            var p = churn.Package.Model.Predict(row);
            band = set.Bands.Classify(p);
            if (request.Churn)
            {
                var risk = new ChurnRisk { Probability = p, Band = band };
                if (request.Reasons)
                {
                    var contributions = s.Contributions.AsSpan(0, churn.FeatureCount + 1);
                    churn.Package.Model.TreeShap(row, contributions);
                    set.Reasons.Write(contributions, row, request.MaxReasons, risk.Reasons);
                }

                answer.Churn = risk;
            }

            answer.Models.Add(churn.Use);
        }

        if (request.Value || request.Offers)
        {
            var valueScore = set.Value.Predict(features);
            var value = set.Assessor.Assess(valueScore, features);
            if (request.Value)
            {
                answer.Value = value;
            }

            answer.Models.Add(set.Value.Use);
            if (request.Offers)
            {
                RecommendOffers(set, s, state, asOf, request, band, value.Tier, value.Stage, answer);
            }
        }

        return answer;
    }

    /// <summary>
    /// Eligibility, applicability and suitability do not depend on propensity, so a first pass
    /// with priors finds the candidates; only their propensity models are then evaluated, and
    /// the second pass ranks with the model outputs.
    /// </summary>
    private void RecommendOffers(ModelSet set, Scratch s, CustomerState state, DateTimeOffset asOf, in ScoreRequest request, RiskBand band, ValueTier tier, LifecycleStage stage, CustomerScores answer)
    {
        var catalogue = offers.Current;
        var map = CatalogueMap(set, catalogue);
        var offerModels = map.Models;
        var n = catalogue.Count;
        s.EnsureOffers(n);
        var history = s.History.AsSpan(0, n);
        var propensities = s.Propensities.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            history[i] = state.GetOfferHistory(map.Keys[i], asOf);
        }

        propensities.Fill(double.NaN);
        var arbitration = new ArbitrationRequest
        {
            Features = s.Features,
            Channel = request.Channel,
            Tier = tier,
            Stage = stage,
            Band = band,
            Propensities = propensities,
            History = history,
            Now = asOf,
            MaxOffers = OfferArbiter.MaxOffersLimit,
        };
        OfferArbiter.Arbitrate(catalogue, arbitration, s.Result);
        var modelled = Predict(s.Result.Recommended, offerModels, s.Features, propensities);
        modelled |= Predict(s.Result.RankedOut, offerModels, s.Features, propensities);

        var final = arbitration with { MaxOffers = request.MaxOffers };
        if (modelled || request.MaxOffers != OfferArbiter.MaxOffersLimit)
        {
            OfferArbiter.Arbitrate(catalogue, final, s.Result);
        }

        OfferArbiter.ToRecommendations(catalogue, s.Result, s.Features, answer.Offers);
        foreach (var candidate in s.Result.Recommended)
        {
            if (offerModels[candidate.OfferIndex] is { } model)
            {
                answer.Models.Add(model.Use);
            }
        }

        history.Clear();
    }

    private static bool Predict(ReadOnlySpan<OfferCandidate> candidates, LoadedModel?[] offerModels, ReadOnlySpan<float> features, Span<double> propensities)
    {
        var any = false;
        foreach (var candidate in candidates)
        {
            if (offerModels[candidate.OfferIndex] is { } model)
            {
                propensities[candidate.OfferIndex] = model.Predict(features);
                any = true;
            }
        }

        return any;
    }

    private OfferCatalogueMap CatalogueMap(ModelSet set, OfferCatalogue catalogue)
    {
        var map = Volatile.Read(ref _catalogueMap);
        if (map is null || !ReferenceEquals(map.Set, set) || !ReferenceEquals(map.Catalogue, catalogue))
        {
            map = new OfferCatalogueMap(set, catalogue, set.OfferModelsFor(catalogue), [.. catalogue.Offers.Select(o => new OfferKey(o.Id))]);
            Volatile.Write(ref _catalogueMap, map);
        }

        return map;
    }

    private static Scratch ScratchFor(ModelSet set)
    {
        var s = t_scratch ??= new Scratch();
        s.EnsureModels(set.MaxFeatureCount);
        return s;
    }

    /// <summary>Per catalogue (and model set): each offer's propensity model and state key, built once.</summary>
    private sealed record OfferCatalogueMap(ModelSet Set, OfferCatalogue Catalogue, LoadedModel?[] Models, OfferKey[] Keys);

    private sealed class Scratch
    {
        public float[] Features { get; } = new float[FeatureCatalogue.Count];

        public float[] Row { get; private set; } = [];

        public double[] Contributions { get; private set; } = [];

        public double[] Propensities { get; private set; } = [];

        public OfferContactHistory?[] History { get; private set; } = [];

        public ArbitrationResult Result { get; } = new();

        public void EnsureModels(int features)
        {
            if (Row.Length < features)
            {
                Row = new float[features];
                Contributions = new double[features + 1];
            }
        }

        public void EnsureOffers(int offers)
        {
            if (Propensities.Length < offers)
            {
                Propensities = new double[offers];
                History = new OfferContactHistory?[offers];
            }
        }
    }
}
