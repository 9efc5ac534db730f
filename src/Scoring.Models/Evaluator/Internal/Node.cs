using System.Runtime.InteropServices;

namespace Scoring.Models.Evaluator.Internal;

/// <summary>
/// One tree node, packed to 16 bytes. Nodes are re-laid out so that a split's right child always
/// sits at <see cref="Left"/> + 1, which lets the walk pick a child with an add instead of a load.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Node
{
    /// <summary>Index of the left child (right is Left + 1); unused for leaves.</summary>
    public int Left;

    /// <summary>Split feature index, or -1 for a leaf.</summary>
    public int Feature;

    /// <summary>Split threshold (go left when x &lt; Value), or the leaf value.</summary>
    public float Value;

    /// <summary>0 when a missing (NaN) value goes left (default_left), 1 when it goes right.</summary>
    public int MissingRight;

    public readonly bool IsLeaf => Feature < 0;
}
