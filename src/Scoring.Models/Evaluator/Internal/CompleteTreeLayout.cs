using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Scoring.Models.Evaluator.Internal;

/// <summary>
/// The ensemble padded to complete binary trees of one depth D, for scoring: node i's children are 2i+1 and 2i+2,
/// so a walk is exactly D steps of index arithmetic with no child pointers and no leaf test, and four trees are
/// walked at once (eight, then four, then one for the rest) so their independent memory loads overlap. A leaf above depth D continues through padding
/// splits that always go right (threshold NaN, missing goes right) to copies of its value.
/// Only built for shallow ensembles (D ≤ <see cref="MaxSupportedDepth"/>) where padding stays small.
/// </summary>
internal sealed class CompleteTreeLayout
{
    public const int MaxSupportedDepth = 10;
    private const int MissingRightBit = 1 << 31;

    private readonly Split[] _splits;
    private readonly float[] _leaves;
    private readonly int _depth;
    private readonly int _internalPerTree;
    private readonly int _leavesPerTree;
    private readonly int _trees;

    public CompleteTreeLayout(Node[] nodes, int[] roots, int depth)
    {
        _depth = depth;
        _trees = roots.Length;
        _internalPerTree = (1 << depth) - 1;
        _leavesPerTree = 1 << depth;
        _splits = new Split[_trees * _internalPerTree];
        _leaves = new float[_trees * _leavesPerTree];
        for (var t = 0; t < _trees; t++)
        {
            Fill(nodes, roots[t], t, 0, 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Margin(ReadOnlySpan<float> x, float baseMargin)
    {
        ref var splits = ref MemoryMarshal.GetArrayDataReference(_splits);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(_leaves);
        ref var features = ref MemoryMarshal.GetReference(x);
        var stride = _internalPerTree;
        var depth = _depth;
        var sum = baseMargin;
        var t = 0;
        for (; t + 8 <= _trees; t += 8)
        {
            ref var s0 = ref Unsafe.Add(ref splits, t * stride);
            ref var s1 = ref Unsafe.Add(ref s0, stride);
            ref var s2 = ref Unsafe.Add(ref s1, stride);
            ref var s3 = ref Unsafe.Add(ref s2, stride);
            ref var s4 = ref Unsafe.Add(ref s3, stride);
            ref var s5 = ref Unsafe.Add(ref s4, stride);
            ref var s6 = ref Unsafe.Add(ref s5, stride);
            ref var s7 = ref Unsafe.Add(ref s6, stride);
            int i0 = 0, i1 = 0, i2 = 0, i3 = 0, i4 = 0, i5 = 0, i6 = 0, i7 = 0;
            for (var d = 0; d < depth; d++)
            {
                i0 = Step(ref s0, i0, ref features);
                i1 = Step(ref s1, i1, ref features);
                i2 = Step(ref s2, i2, ref features);
                i3 = Step(ref s3, i3, ref features);
                i4 = Step(ref s4, i4, ref features);
                i5 = Step(ref s5, i5, ref features);
                i6 = Step(ref s6, i6, ref features);
                i7 = Step(ref s7, i7, ref features);
            }

            // Summed in tree order, as libxgboost's float accumulation does.
            ref var l0 = ref Unsafe.Add(ref leaves, (t * _leavesPerTree) - stride);
            sum += Unsafe.Add(ref l0, i0);
            sum += Unsafe.Add(ref l0, _leavesPerTree + i1);
            sum += Unsafe.Add(ref l0, (2 * _leavesPerTree) + i2);
            sum += Unsafe.Add(ref l0, (3 * _leavesPerTree) + i3);
            sum += Unsafe.Add(ref l0, (4 * _leavesPerTree) + i4);
            sum += Unsafe.Add(ref l0, (5 * _leavesPerTree) + i5);
            sum += Unsafe.Add(ref l0, (6 * _leavesPerTree) + i6);
            sum += Unsafe.Add(ref l0, (7 * _leavesPerTree) + i7);
        }

        for (; t + 4 <= _trees; t += 4)
        {
            ref var s0 = ref Unsafe.Add(ref splits, t * stride);
            ref var s1 = ref Unsafe.Add(ref s0, stride);
            ref var s2 = ref Unsafe.Add(ref s1, stride);
            ref var s3 = ref Unsafe.Add(ref s2, stride);
            int i0 = 0, i1 = 0, i2 = 0, i3 = 0;
            for (var d = 0; d < depth; d++)
            {
                i0 = Step(ref s0, i0, ref features);
                i1 = Step(ref s1, i1, ref features);
                i2 = Step(ref s2, i2, ref features);
                i3 = Step(ref s3, i3, ref features);
            }

            // Summed in tree order, as libxgboost's float accumulation does.
            ref var l0 = ref Unsafe.Add(ref leaves, (t * _leavesPerTree) - stride);
            sum += Unsafe.Add(ref l0, i0);
            sum += Unsafe.Add(ref l0, _leavesPerTree + i1);
            sum += Unsafe.Add(ref l0, (2 * _leavesPerTree) + i2);
            sum += Unsafe.Add(ref l0, (3 * _leavesPerTree) + i3);
        }

        for (; t < _trees; t++)
        {
            ref var s = ref Unsafe.Add(ref splits, t * stride);
            var i = 0;
            for (var d = 0; d < depth; d++)
            {
                i = Step(ref s, i, ref features);
            }

            sum += Unsafe.Add(ref leaves, (t * _leavesPerTree) + i - stride);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref Split tree, int i, ref float features)
    {
        var node = Unsafe.Add(ref tree, i);
        var v = Unsafe.Add(ref features, node.Feature & ~MissingRightBit);

        // x < threshold goes left; NaN takes the default direction stored in the sign bit. Written as flag
        // arithmetic (setcc, no jumps): the comparisons are close to coin flips and would mispredict as branches.
        var notLess = v < node.Threshold ? 0 : 1;
        var nan = float.IsNaN(v) ? 1 : 0;
        var missingLeft = (int)(~(uint)node.Feature >> 31);

        // Non-NaN: notLess. NaN: notLess is 1 (NaN < t is false), flipped to 0 when missing goes left.
        var right = notLess ^ (nan & missingLeft);
        return (2 * i) + 1 + right;
    }

    private void Fill(Node[] nodes, int source, int tree, int index, int level)
    {
        var node = nodes[source];
        if (level == _depth)
        {
            _leaves[(tree * _leavesPerTree) + index - _internalPerTree] = node.Value;
            return;
        }

        if (node.IsLeaf)
        {
            // Padding: always right (NaN threshold fails x < t; missing goes right), same leaf below.
            _splits[(tree * _internalPerTree) + index] = new Split { Feature = MissingRightBit, Threshold = float.NaN };
            Fill(nodes, source, tree, (2 * index) + 1, level + 1);
            Fill(nodes, source, tree, (2 * index) + 2, level + 1);
            return;
        }

        _splits[(tree * _internalPerTree) + index] = new Split
        {
            Feature = node.Feature | (node.MissingRight == 1 ? MissingRightBit : 0),
            Threshold = node.Value,
        };
        Fill(nodes, node.Left, tree, (2 * index) + 1, level + 1);
        Fill(nodes, node.Left + 1, tree, (2 * index) + 2, level + 1);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Split
    {
        public int Feature;
        public float Threshold;
    }
}
