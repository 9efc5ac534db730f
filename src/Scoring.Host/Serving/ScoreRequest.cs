using Google.Protobuf.Collections;
using Scoring.Decisions;
using Scoring.Features.Validation;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Host.Serving;

/// <summary>What one answer must contain, validated once per call (scoring.proto GetScoresRequest).</summary>
internal readonly record struct ScoreRequest(Channel Channel, bool Churn, bool Reasons, bool Value, bool Offers, int MaxOffers, int MaxReasons)
{
    /// <summary>Validates the shared fields; INVALID_ARGUMENT names the offending field.</summary>
    public static ScoreRequest Parse(Channel channel, RepeatedField<ScorePart> include, int maxOffers, int maxReasons)
    {
        if (channel == Channel.Unspecified)
        {
            throw Invalid("channel: is required (CHANNEL_UNSPECIFIED is not a channel).");
        }

        if (!Enum.IsDefined(channel))
        {
            throw Invalid($"channel: {(int)channel} is not a known channel.");
        }

        if (maxOffers is < 0 or > OfferArbiter.MaxOffersLimit)
        {
            throw Invalid($"max_offers: must be 1 to {OfferArbiter.MaxOffersLimit} (0 for the default {OfferArbiter.DefaultMaxOffers}), got {maxOffers}.");
        }

        if (maxReasons is < 0 or > ReasonWriter.MaxReasonsLimit)
        {
            throw Invalid($"max_reasons: must be 1 to {ReasonWriter.MaxReasonsLimit} (0 for the default {ReasonWriter.DefaultMaxReasons}), got {maxReasons}.");
        }

        bool churn = false, reasons = false, value = false, offers = false;
        if (include.Count == 0)
        {
            churn = reasons = value = offers = true;
        }

        for (var i = 0; i < include.Count; i++)
        {
            switch (include[i])
            {
                case ScorePart.Churn:
                    churn = true;
                    break;
                case ScorePart.Reasons:
                    churn = reasons = true;
                    break;
                case ScorePart.Value:
                    value = true;
                    break;
                case ScorePart.Offers:
                    offers = true;
                    break;
                default:
                    throw Invalid($"include[{i}]: {include[i]} is not a score part (use CHURN, REASONS, VALUE or OFFERS).");
            }
        }

        return new ScoreRequest(
            channel, churn, reasons, value, offers,
            maxOffers == 0 ? OfferArbiter.DefaultMaxOffers : maxOffers,
            maxReasons == 0 ? ReasonWriter.DefaultMaxReasons : maxReasons);
    }

    /// <summary>The customer id rule of events.proto; null when valid.</summary>
    public static string? CheckCustomerId(string id, string field) =>
        EventValidator.CheckCustomerId(id, field) is { } error ? $"{field}: {error.Message}." : null;

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
