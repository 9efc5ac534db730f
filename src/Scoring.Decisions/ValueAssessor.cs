using Scoring.Decisions.Internal;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>
/// Value tier and lifecycle stage from the value score and live features (the README's
/// "The business it serves": value tiers, lifecycle stages).
/// <para>Tier: HNW at or above the HNW cut point. POTENTIAL needs both a score at or above
/// the Potential cut point and a growth signal: 90-day spending or transaction count at least
/// <see cref="GrowthRatio"/> times (10% up on) the prior 90 days; a customer with that score
/// but no growth is MASS (stable everyday spender). MASS at or above the Mass cut point,
/// else BASIC.</para>
/// <para>Stage, first rule that holds: CHURNED when the card is closed; NEW when there has
/// never been a transaction (days_since_last_txn missing); CHURNED when the last transaction
/// was 180 or more days ago; DECLINING at 90 or more; GROWING when 90-day spending or count
/// is up at least 10%, or the card is under 6 months old and was used in the last 90 days;
/// otherwise MATURE.</para>
/// </summary>
public sealed class ValueAssessor
{
    /// <summary>Ratio of the last 90 days to the prior 90 (amount or count) that counts as growth.</summary>
    public const double GrowthRatio = 1.10;
    public const int DecliningDays = 90;
    public const int ChurnedDays = 180;
    public const int YoungCardMonths = 6;

    private readonly ValueTierCutPoints _cutPoints;
    private readonly int _daysSinceLastTxn;
    private readonly int _amountChange;
    private readonly int _countChange;
    private readonly int _monthsOnBook;
    private readonly int _cardClosed;
    private readonly int _featureCount;

    public ValueAssessor(FeatureSchema schema, ValueTierCutPoints cutPoints)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(cutPoints);
        _cutPoints = cutPoints;
        _featureCount = schema.Count;
        _daysSinceLastTxn = Require(schema, DecisionFeatures.DaysSinceLastTxn);
        _amountChange = Require(schema, DecisionFeatures.AmountChange90d);
        _countChange = Require(schema, DecisionFeatures.CountChange90d);
        _monthsOnBook = Require(schema, DecisionFeatures.MonthsOnBook);
        _cardClosed = Require(schema, DecisionFeatures.CardClosed);
    }

    public ValueAssessment Assess(double valueScore, ReadOnlySpan<float> features)
    {
        var assessment = new ValueAssessment
        {
            Tier = ClassifyTier(valueScore, features),
            ValueScore = valueScore,
        };
        assessment.Stage = ClassifyStage(features, assessment.StageFacts);
        return assessment;
    }

    public ValueTier ClassifyTier(double valueScore, ReadOnlySpan<float> features)
    {
        CheckLength(features);
        if (double.IsNaN(valueScore))
        {
            throw new ArgumentOutOfRangeException(nameof(valueScore), valueScore, "valueScore must be a number");
        }

        if (valueScore >= _cutPoints.Hnw)
        {
            return ValueTier.Hnw;
        }

        if (valueScore >= _cutPoints.Potential)
        {
            return IsGrowing(features) ? ValueTier.Potential : ValueTier.Mass;
        }

        return valueScore >= _cutPoints.Mass ? ValueTier.Mass : ValueTier.Basic;
    }

    /// <summary>The stage, with the readable facts behind it appended to <paramref name="facts"/> (when given).</summary>
    public LifecycleStage ClassifyStage(ReadOnlySpan<float> features, ICollection<string>? facts = null)
    {
        CheckLength(features);
        // card_closed covers closure by the customer and by the bank (FeatureCatalogue).
        if (features[_cardClosed] >= 0.5f)
        {
            facts?.Add("card closed");
            return LifecycleStage.Churned;
        }

        var months = features[_monthsOnBook];
        var daysValue = features[_daysSinceLastTxn];
        if (float.IsNaN(daysValue))
        {
            if (facts is not null)
            {
                facts.Add("no first transaction yet");
                if (!float.IsNaN(months))
                {
                    facts.Add(Phrases.Count(months) == 0
                        ? "card issued this month"
                        : "card issued " + Phrases.Quantity(Phrases.Count(months), "month") + " ago");
                }
            }

            return LifecycleStage.New;
        }

        var days = Phrases.Days(daysValue);
        if (days >= DecliningDays)
        {
            facts?.Add("no transaction for " + Phrases.Quantity(days, "day"));
            return days >= ChurnedDays ? LifecycleStage.Churned : LifecycleStage.Declining;
        }

        var amount = features[_amountChange];
        var count = features[_countChange];
        if (amount >= GrowthRatio || count >= GrowthRatio)
        {
            if (facts is not null)
            {
                if (amount >= GrowthRatio)
                {
                    facts.Add(Phrases.Change("spending", amount));
                }

                if (count >= GrowthRatio)
                {
                    facts.Add(Phrases.Change("transactions", count));
                }
            }

            return LifecycleStage.Growing;
        }

        if (months < YoungCardMonths)
        {
            if (facts is not null)
            {
                facts.Add(Phrases.Count(months) == 0
                    ? "card opened this month"
                    : "card opened " + Phrases.Quantity(Phrases.Count(months), "month") + " ago");
                facts.Add(LastTransaction(days));
            }

            return LifecycleStage.Growing;
        }

        if (facts is not null)
        {
            facts.Add(LastTransaction(days));
            if (!float.IsNaN(months))
            {
                facts.Add("card held for " + Phrases.Quantity(Phrases.Count(months), "month"));
            }
        }

        return LifecycleStage.Mature;
    }

    private bool IsGrowing(ReadOnlySpan<float> features) =>
        features[_amountChange] >= GrowthRatio || features[_countChange] >= GrowthRatio;

    private static string LastTransaction(long days) =>
        days == 0 ? "last transaction today" : "last transaction " + Phrases.Quantity(days, "day") + " ago";

    private void CheckLength(ReadOnlySpan<float> features)
    {
        if (features.Length != _featureCount)
        {
            throw new ArgumentException($"features has {features.Length} entries; the schema has {_featureCount}", nameof(features));
        }
    }

    private static int Require(FeatureSchema schema, string name)
    {
        var index = schema.IndexOf(name);
        return index >= 0
            ? index
            : throw new ArgumentException($"the feature schema lacks '{name}', which the value assessment needs", nameof(schema));
    }
}
