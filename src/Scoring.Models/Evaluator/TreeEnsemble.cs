using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Scoring.Models.Evaluator.Internal;

namespace Scoring.Models.Evaluator;

/// <summary>
/// An XGBoost gbtree model compiled into a flat node array for allocation-free scoring and TreeSHAP.
/// Matches libxgboost's CPU predictor: go left when x &lt; threshold (float32), NaN follows default_left,
/// leaves summed in float32 in tree order starting from the base margin. Immutable and thread-safe.
/// </summary>
public sealed class TreeEnsemble
{
    private readonly Node[] _nodes;
    private readonly int[] _roots;
    private readonly int[] _depths;

    // TreeSHAP needs each node's cover (sum_hessian) and the cover-weighted mean of its subtree's leaves.
    private readonly double[] _cover;
    private readonly double[] _meanValue;
    private readonly double _expectedValue;
    private readonly Link _link;
    private readonly CompleteTreeLayout? _complete;

    // 1/k for k = 1..MaxDepth+1: TreeSHAP's path weights are scaled by ratios of small integers,
    // and multiplying by these is several times cheaper than the two divisions per step.
    private readonly double[] _inverse;

    [ThreadStatic]
    private static TreeShapWorkspace? t_workspace;

    private TreeEnsemble(RawModel raw)
    {
        Objective = raw.Objective;
        Links.TryFromObjective(raw.Objective, out _link);
        BaseScore = raw.BaseScore;
        BaseMargin = Links.BaseMargin(_link, raw.BaseScore);
        NumFeatures = raw.NumFeature;
        FeatureNames = raw.FeatureNames;
        XgboostVersion = raw.Version;

        var total = raw.Trees.Sum(t => t.Left.Length);
        _nodes = new Node[total];
        _cover = new double[total];
        _meanValue = new double[total];
        _roots = new int[raw.Trees.Count];
        _depths = new int[raw.Trees.Count];
        var next = 0;
        for (var t = 0; t < raw.Trees.Count; t++)
        {
            _roots[t] = next;
            _depths[t] = Compile(raw.Trees[t], ref next);
            MaxDepth = Math.Max(MaxDepth, _depths[t]);
            _expectedValue += _meanValue[_roots[t]];
        }

        _expectedValue += BaseMargin;
        _inverse = new double[MaxDepth + 2];
        for (var k = 1; k < _inverse.Length; k++)
        {
            _inverse[k] = 1.0 / k;
        }

        if (MaxDepth is > 0 and <= CompleteTreeLayout.MaxSupportedDepth)
        {
            _complete = new CompleteTreeLayout(_nodes, _roots, MaxDepth);
        }
    }

    /// <summary>XGBoost objective name, e.g. binary:logistic.</summary>
    public string Objective { get; }

    /// <summary>base_score as stored in the model (probability space for logistic objectives).</summary>
    public float BaseScore { get; }

    /// <summary>base_score mapped to margin space (logit for logistic, log for exp-link objectives).</summary>
    public float BaseMargin { get; }

    /// <summary>Length of the feature vector the model expects (learner_model_param.num_feature).</summary>
    public int NumFeatures { get; }

    public int TreeCount => _roots.Length;

    /// <summary>Deepest tree (edges from root to leaf).</summary>
    public int MaxDepth { get; }

    /// <summary>Feature names stored in the model by XGBoost, when it was trained with names.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>XGBoost version that wrote the model, e.g. 1.7.4.</summary>
    public string XgboostVersion { get; }

    /// <summary>The mean margin over the training data (the SHAP bias term).</summary>
    public double ExpectedValue => _expectedValue;

    /// <summary>True when scoring uses the padded complete-tree layout (ensembles no deeper than 10).</summary>
    internal bool UsesCompleteLayout => _complete is not null;

    /// <summary>True when <see cref="Predict"/> returns a probability (binary:logistic, reg:logistic).</summary>
    public bool PredictsProbability => _link == Link.Logistic;

    /// <summary>Loads and compiles an XGBoost JSON model; throws <see cref="ModelFormatException"/> naming the problem.</summary>
    public static TreeEnsemble Load(ReadOnlySpan<byte> modelJson, string source = "model.json") =>
        new(XgbJsonModelReader.Read(modelJson, source));

    /// <summary>Loads an XGBoost JSON model file.</summary>
    public static TreeEnsemble LoadFile(string path) => Load(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Sum of leaf values plus the base margin: the model's output in margin space.</summary>
    public double PredictRaw(ReadOnlySpan<float> features)
    {
        CheckFeatures(features);
        return Margin(features);
    }

    /// <summary>The prediction with the objective's link applied (probability, value, ...).</summary>
    public double Predict(ReadOnlySpan<float> features)
    {
        CheckFeatures(features);
        return Transform(Margin(features));
    }

    /// <summary>Applies the objective's link to a margin, as libxgboost's PredTransform does (in float32).</summary>
    public double Transform(double margin) => _link switch
    {
        Link.Logistic => 1.0f / (1.0f + MathF.Exp(-(float)margin)),
        Link.Exp => MathF.Exp((float)margin),
        _ => margin,
    };

    /// <summary>
    /// Exact TreeSHAP contributions in margin space, as libxgboost's pred_contribs: <paramref name="contributions"/>
    /// (length NumFeatures + 1) receives one value per feature and the bias last; they sum to <see cref="PredictRaw"/>.
    /// Uses a per-thread workspace.
    /// </summary>
    public void TreeShap(ReadOnlySpan<float> features, Span<double> contributions)
    {
        var ws = t_workspace;
        if (ws is null || ws.MaxDepth < MaxDepth)
        {
            ws = t_workspace = new TreeShapWorkspace(Math.Max(MaxDepth, 8));
        }

        TreeShap(features, contributions, ws);
    }

    /// <summary>TreeSHAP with a caller-provided workspace (at least <see cref="MaxDepth"/> deep).</summary>
    public void TreeShap(ReadOnlySpan<float> features, Span<double> contributions, TreeShapWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        CheckFeatures(features);
        if (contributions.Length != NumFeatures + 1)
        {
            throw new ArgumentException($"contributions has length {contributions.Length}, expected NumFeatures + 1 = {NumFeatures + 1}.", nameof(contributions));
        }

        if (workspace.MaxDepth < MaxDepth)
        {
            throw new ArgumentException($"workspace supports depth {workspace.MaxDepth} but the model is {MaxDepth} deep.", nameof(workspace));
        }

        contributions.Clear();
        var path = workspace.Path.AsSpan();
        for (var t = 0; t < _roots.Length; t++)
        {
            if (!_nodes[_roots[t]].IsLeaf)
            {
                Recurse(features, contributions, path, _roots[t], 0, 0, 1, 1, -1);
            }
        }

        contributions[NumFeatures] = _expectedValue;
    }

    /// <summary>
    /// Writes into <paramref name="destination"/> the indices of up to <paramref name="k"/> features with the largest
    /// positive contributions, largest first, ties broken by lower index. Pass the feature columns only (without the
    /// bias). Returns how many indices were written.
    /// </summary>
    public static int TopContributions(ReadOnlySpan<double> contributions, int k, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        k = Math.Min(k, destination.Length);
        var count = 0;
        for (var i = 0; i < contributions.Length; i++)
        {
            var c = contributions[i];
            if (!(c > 0))
            {
                continue;
            }

            // Insertion into the sorted prefix; strict comparison keeps earlier indices ahead on ties.
            var pos = count;
            while (pos > 0 && contributions[destination[pos - 1]] < c)
            {
                pos--;
            }

            if (pos >= k)
            {
                continue;
            }

            var last = Math.Min(count, k - 1);
            for (var j = last; j > pos; j--)
            {
                destination[j] = destination[j - 1];
            }

            destination[pos] = i;
            if (count < k)
            {
                count++;
            }
        }

        return count;
    }

    private void CheckFeatures(ReadOnlySpan<float> features)
    {
        if (features.Length != NumFeatures)
        {
            ThrowFeatureLength(features.Length);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowFeatureLength(int length) =>
        throw new ArgumentException($"features has length {length}, the model expects {NumFeatures}.", "features");

    private float Margin(ReadOnlySpan<float> features)
    {
        if (_complete is not null)
        {
            return _complete.Margin(features, BaseMargin);
        }

        return PointerMargin(features);
    }

    /// <summary>Walks the pointer layout; used for deep ensembles, and by tests as a second evaluator.</summary>
    internal float PointerMargin(ReadOnlySpan<float> features)
    {
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var x = ref MemoryMarshal.GetReference(features);
        var roots = _roots;
        var sum = BaseMargin;
        for (var t = 0; t < roots.Length; t++)
        {
            ref var node = ref Unsafe.Add(ref nodes, roots[t]);
            while (node.Feature >= 0)
            {
                // Feature indices were checked against NumFeatures at load; features.Length == NumFeatures.
                var v = Unsafe.Add(ref x, node.Feature);
                var right = float.IsNaN(v) ? node.MissingRight : (v < node.Value ? 0 : 1);
                node = ref Unsafe.Add(ref nodes, node.Left + right);
            }

            sum += node.Value;
        }

        return sum;
    }

    /// <summary>Copies one tree breadth-first so siblings are adjacent; fills cover and mean values; returns depth.</summary>
    private int Compile(RawTree tree, ref int next)
    {
        var map = new int[tree.Left.Length];
        var depthOf = new int[tree.Left.Length];
        var queue = new Queue<int>();
        var root = next;
        map[0] = next++;
        queue.Enqueue(0);
        var depth = 0;
        while (queue.Count > 0)
        {
            var old = queue.Dequeue();
            var at = map[old];
            _cover[at] = tree.SumHessian[old];
            if (tree.Left[old] == -1)
            {
                _nodes[at] = new Node { Left = -1, Feature = -1, Value = tree.SplitCondition[old], MissingRight = 0 };
                depth = Math.Max(depth, depthOf[old]);
                continue;
            }

            var l = tree.Left[old];
            var r = tree.Right[old];
            map[l] = next;
            map[r] = next + 1;
            depthOf[l] = depthOf[r] = depthOf[old] + 1;
            _nodes[at] = new Node { Left = next, Feature = tree.SplitIndex[old], Value = tree.SplitCondition[old], MissingRight = tree.DefaultLeft[old] ? 0 : 1 };
            next += 2;
            queue.Enqueue(l);
            queue.Enqueue(r);
        }

        FillMeanValue(root);
        return depth;
    }

    // RegTree::FillNodeMeanValue: a node's mean is its children's means weighted by their cover.
    private double FillMeanValue(int n)
    {
        ref var node = ref _nodes[n];
        double result;
        if (node.IsLeaf)
        {
            result = node.Value;
        }
        else
        {
            var l = node.Left;
            result = (FillMeanValue(l) * _cover[l]) + (FillMeanValue(l + 1) * _cover[l + 1]);
            result /= _cover[n];
        }

        _meanValue[n] = result;
        return result;
    }

    // Lundberg et al. 2018, Algorithm 2 (TreeSHAP), following xgboost RegTree::TreeShap with condition = 0.
    private void Recurse(ReadOnlySpan<float> x, Span<double> phi, Span<PathElement> buffer, int nodeIndex, int uniqueDepth, int parentOffset, double parentZero, double parentOne, int parentFeature)
    {
        var offset = parentOffset + uniqueDepth + 1;
        buffer.Slice(parentOffset, uniqueDepth + 1).CopyTo(buffer.Slice(offset));
        var path = buffer[offset..];
        ExtendPath(path, uniqueDepth, parentZero, parentOne, parentFeature);

        var node = _nodes[nodeIndex];
        if (node.IsLeaf)
        {
            for (var i = 1; i <= uniqueDepth; i++)
            {
                var w = UnwoundPathSum(path, uniqueDepth, i);
                ref var el = ref path[i];
                phi[el.FeatureIndex] += w * (el.OneFraction - el.ZeroFraction) * node.Value;
            }

            return;
        }

        var v = x[node.Feature];
        var hot = node.Left + (float.IsNaN(v) ? node.MissingRight : (v < node.Value ? 0 : 1));
        var cold = hot == node.Left ? node.Left + 1 : node.Left;
        var w0 = _cover[nodeIndex];
        var hotZero = _cover[hot] / w0;
        var coldZero = _cover[cold] / w0;
        double incomingZero = 1;
        double incomingOne = 1;

        // A feature already on the path is unwound so it appears once (the "unique" path).
        var pathIndex = 0;
        for (; pathIndex <= uniqueDepth; pathIndex++)
        {
            if (path[pathIndex].FeatureIndex == node.Feature)
            {
                break;
            }
        }

        if (pathIndex != uniqueDepth + 1)
        {
            incomingZero = path[pathIndex].ZeroFraction;
            incomingOne = path[pathIndex].OneFraction;
            UnwindPath(path, uniqueDepth, pathIndex);
            uniqueDepth--;
        }

        Recurse(x, phi, buffer, hot, uniqueDepth + 1, offset, hotZero * incomingZero, incomingOne, node.Feature);
        Recurse(x, phi, buffer, cold, uniqueDepth + 1, offset, coldZero * incomingZero, 0, node.Feature);
    }

    // The three path helpers below are xgboost's ExtendPath / UnwindPath / UnwoundPathSum with every
    // division by an integer replaced by a multiplication with _inverse, and the division by the
    // (loop-invariant) one or zero fraction hoisted out of the loop.
    private void ExtendPath(Span<PathElement> path, int uniqueDepth, double zero, double one, int feature)
    {
        path[uniqueDepth] = new PathElement { FeatureIndex = feature, ZeroFraction = zero, OneFraction = one, PWeight = uniqueDepth == 0 ? 1 : 0 };
        var inverseN = _inverse[uniqueDepth + 1];
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            path[i + 1].PWeight += one * path[i].PWeight * ((i + 1) * inverseN);
            path[i].PWeight = zero * path[i].PWeight * ((uniqueDepth - i) * inverseN);
        }
    }

    private void UnwindPath(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var one = path[pathIndex].OneFraction;
        var zero = path[pathIndex].ZeroFraction;
        var n = uniqueDepth + 1;
        var inverseN = _inverse[n];
        var nextOnePortion = path[uniqueDepth].PWeight;
        if (one != 0)
        {
            var inverseOne = 1 / one;
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                var tmp = path[i].PWeight;
                path[i].PWeight = nextOnePortion * (n * _inverse[i + 1]) * inverseOne;
                nextOnePortion = tmp - (path[i].PWeight * zero * ((uniqueDepth - i) * inverseN));
            }
        }
        else
        {
            var inverseZero = 1 / zero;
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                path[i].PWeight = path[i].PWeight * inverseZero * (n * _inverse[uniqueDepth - i]);
            }
        }

        for (var i = pathIndex; i < uniqueDepth; i++)
        {
            path[i].FeatureIndex = path[i + 1].FeatureIndex;
            path[i].ZeroFraction = path[i + 1].ZeroFraction;
            path[i].OneFraction = path[i + 1].OneFraction;
        }
    }

    private double UnwoundPathSum(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var one = path[pathIndex].OneFraction;
        var zero = path[pathIndex].ZeroFraction;
        var n = uniqueDepth + 1;
        var inverseN = _inverse[n];
        var nextOnePortion = path[uniqueDepth].PWeight;
        double total = 0;
        if (one != 0)
        {
            var inverseOne = 1 / one;
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                var tmp = nextOnePortion * (n * _inverse[i + 1]) * inverseOne;
                total += tmp;
                nextOnePortion = path[i].PWeight - (tmp * zero * ((uniqueDepth - i) * inverseN));
            }
        }
        else if (zero != 0)
        {
            var inverseZero = 1 / zero;
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                total += path[i].PWeight * inverseZero * (n * _inverse[uniqueDepth - i]);
            }
        }

        return total;
    }
}
