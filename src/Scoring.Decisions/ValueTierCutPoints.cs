namespace Scoring.Decisions;

/// <summary>
/// Value score cut points from the value model's manifest (12-month revenue estimate):
/// at or above <see cref="Hnw"/> is HNW; at or above <see cref="Potential"/> is POTENTIAL
/// when the customer also shows growth (else MASS); at or above <see cref="Mass"/> is MASS;
/// below it BASIC. See <see cref="ValueAssessor"/> for the growth rule.
/// </summary>
public sealed class ValueTierCutPoints
{
    private ValueTierCutPoints(double mass, double potential, double hnw)
    {
        Mass = mass;
        Potential = potential;
        Hnw = hnw;
    }

    public double Mass { get; }

    public double Potential { get; }

    public double Hnw { get; }

    /// <summary>Validates that the cut points are finite, positive and strictly increasing.</summary>
    public static ValueTierCutPoints Create(double mass, double potential, double hnw)
    {
        RequirePositive(mass, nameof(mass));
        RequirePositive(potential, nameof(potential));
        RequirePositive(hnw, nameof(hnw));
        if (!(mass < potential))
        {
            throw new ArgumentException($"potential ({potential}) must be greater than mass ({mass})", nameof(potential));
        }

        if (!(potential < hnw))
        {
            throw new ArgumentException($"hnw ({hnw}) must be greater than potential ({potential})", nameof(hnw));
        }

        return new ValueTierCutPoints(mass, potential, hnw);
    }

    /// <summary>Cut points from a value package's tier_cut_points: ascending [mass, potential, hnw].</summary>
    public static ValueTierCutPoints FromManifest(IReadOnlyList<double> tierCutPoints)
    {
        ArgumentNullException.ThrowIfNull(tierCutPoints);
        if (tierCutPoints.Count != 3)
        {
            throw new ArgumentException(
                $"tier_cut_points must hold 3 ascending values (mass, potential, hnw), got {tierCutPoints.Count}", nameof(tierCutPoints));
        }

        try
        {
            return Create(tierCutPoints[0], tierCutPoints[1], tierCutPoints[2]);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"tier_cut_points ({ex.ParamName}): {ex.Message}", nameof(tierCutPoints), ex);
        }
    }

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number above 0");
        }
    }
}
