using Scoring.Models.Packages;
using Scoring.V1;

namespace Scoring.Decisions;

/// <summary>
/// Churn probability cut points from the churn model's manifest: a probability below
/// <see cref="Medium"/> is LOW, below <see cref="High"/> MEDIUM, below <see cref="Critical"/>
/// HIGH, and anything at or above <see cref="Critical"/> CRITICAL (a cut point belongs to
/// the band above it).
/// </summary>
public sealed class RiskBandThresholds
{
    private RiskBandThresholds(double medium, double high, double critical)
    {
        Medium = medium;
        High = high;
        Critical = critical;
    }

    public double Medium { get; }

    public double High { get; }

    public double Critical { get; }

    /// <summary>Validates that the cut points lie in (0, 1) and strictly increase.</summary>
    public static RiskBandThresholds Create(double medium, double high, double critical)
    {
        RequireOpenUnit(medium, nameof(medium));
        RequireOpenUnit(high, nameof(high));
        RequireOpenUnit(critical, nameof(critical));
        if (!(medium < high))
        {
            throw new ArgumentException($"high ({high}) must be greater than medium ({medium})", nameof(high));
        }

        if (!(high < critical))
        {
            throw new ArgumentException($"critical ({critical}) must be greater than high ({high})", nameof(critical));
        }

        return new RiskBandThresholds(medium, high, critical);
    }

    /// <summary>Creates thresholds from a manifest list [medium, high, critical].</summary>
    public static RiskBandThresholds FromCutPoints(IReadOnlyList<double> cutPoints)
    {
        ArgumentNullException.ThrowIfNull(cutPoints);
        if (cutPoints.Count != 3)
        {
            throw new ArgumentException(
                $"cutPoints must hold 3 values (medium, high, critical), got {cutPoints.Count}", nameof(cutPoints));
        }

        return Create(cutPoints[0], cutPoints[1], cutPoints[2]);
    }

    /// <summary>
    /// Thresholds from a churn package's score_bands (lower bounds of each band). Low must be 0
    /// (every probability has a band) and medium, high, critical must strictly increase inside
    /// (0, 1); the package loader accepts equal bounds, a band that could never be reached.
    /// </summary>
    public static RiskBandThresholds FromManifest(ScoreBands bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        if (bands.Low != 0)
        {
            throw new ArgumentException($"score_bands.low must be 0 so every probability has a band, got {bands.Low}", nameof(bands));
        }

        try
        {
            return Create(bands.Medium, bands.High, bands.Critical);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"score_bands.{ex.ParamName}: {ex.Message}", nameof(bands), ex);
        }
    }

    public RiskBand Classify(double probability)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "probability must be in [0, 1]");
        }

        return probability < Medium ? RiskBand.Low
            : probability < High ? RiskBand.Medium
            : probability < Critical ? RiskBand.High
            : RiskBand.Critical;
    }

    private static void RequireOpenUnit(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie strictly between 0 and 1");
        }
    }
}
