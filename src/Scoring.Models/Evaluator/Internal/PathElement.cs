namespace Scoring.Models.Evaluator.Internal;

/// <summary>One element of TreeSHAP's unique feature path (Lundberg et al. 2018, Algorithm 2).</summary>
internal struct PathElement
{
    public int FeatureIndex;

    /// <summary>Fraction of zero paths (feature not in the coalition) flowing through this split.</summary>
    public double ZeroFraction;

    /// <summary>Fraction of one paths (feature in the coalition) flowing through this split.</summary>
    public double OneFraction;

    /// <summary>Weight of the permutations of this path length.</summary>
    public double PWeight;
}
