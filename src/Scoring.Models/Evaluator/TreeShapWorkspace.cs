using Scoring.Models.Evaluator.Internal;

namespace Scoring.Models.Evaluator;

/// <summary>
/// Scratch memory for <see cref="TreeEnsemble.TreeShap(ReadOnlySpan{float}, Span{double}, TreeShapWorkspace)"/>:
/// the path buffer of Lundberg et al. Algorithm 2. Not thread-safe; use one per thread.
/// </summary>
public sealed class TreeShapWorkspace
{
    public TreeShapWorkspace(int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        MaxDepth = maxDepth;
        // Same sizing as xgboost's RegTree::CalculateContributions: (d + 2)(d + 3) / 2 path elements.
        var d = maxDepth + 2;
        Path = new PathElement[(d * (d + 1)) / 2];
    }

    public int MaxDepth { get; }

    internal PathElement[] Path { get; }
}
