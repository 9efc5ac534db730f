using System.Globalization;
using System.Text.Json;

namespace Scoring.Models.Evaluator.Internal;

/// <summary>One tree as read from XGBoost JSON (doc/model.schema, "tree" definition), original node order.</summary>
internal sealed record RawTree(int[] Left, int[] Right, int[] SplitIndex, float[] SplitCondition, bool[] DefaultLeft, float[] SumHessian);

/// <summary>The parts of an XGBoost JSON model the evaluator needs.</summary>
internal sealed record RawModel(string Objective, float BaseScore, int NumFeature, IReadOnlyList<RawTree> Trees, IReadOnlyList<string>? FeatureNames, string Version);

/// <summary>
/// Reads XGBoost's JSON model format (learner.gradient_booster.model.trees, learner.learner_model_param,
/// learner.objective). Every failure is a <see cref="ModelFormatException"/> naming the JSON path at fault.
/// </summary>
internal static class XgbJsonModelReader
{
    public static RawModel Read(ReadOnlySpan<byte> json, string source)
    {
        ValidateJson(json, source);
        using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        var root = doc.RootElement;
        var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Array
            ? string.Join('.', v.EnumerateArray().Select(e => e.ToString()))
            : "unknown";
        var learner = Get(root, "learner", JsonValueKind.Object, source);
        var objective = GetString(Get(Get(learner, "objective", JsonValueKind.Object, source, "learner"), "name", JsonValueKind.String, source, "learner.objective"));
        if (!Links.TryFromObjective(objective, out _))
        {
            throw new ModelFormatException($"{source}: unsupported objective '{objective}' (learner.objective.name); supported: binary:logistic, binary:logitraw, reg:logistic, reg:squarederror, reg:tweedie, count:poisson, reg:gamma.");
        }

        var mp = Get(learner, "learner_model_param", JsonValueKind.Object, source, "learner");
        var baseScore = ParseFloatString(mp, "base_score", source);
        var numFeature = ParseIntString(mp, "num_feature", source);
        if (mp.TryGetProperty("num_class", out var nc) && nc.ValueKind == JsonValueKind.String && nc.GetString() is not ("0" or "1"))
        {
            throw new ModelFormatException($"{source}: multi-class models are not supported (learner.learner_model_param.num_class = {nc.GetString()}).");
        }

        if (mp.TryGetProperty("num_target", out var nt) && nt.ValueKind == JsonValueKind.String && nt.GetString() is not ("0" or "1"))
        {
            throw new ModelFormatException($"{source}: multi-target models are not supported (learner.learner_model_param.num_target = {nt.GetString()}).");
        }

        var gb = Get(learner, "gradient_booster", JsonValueKind.Object, source, "learner");
        var boosterName = GetString(Get(gb, "name", JsonValueKind.String, source, "learner.gradient_booster"));
        if (boosterName != "gbtree")
        {
            throw new ModelFormatException($"{source}: unsupported booster '{boosterName}' (learner.gradient_booster.name); only gbtree is supported.");
        }

        var model = Get(gb, "model", JsonValueKind.Object, source, "learner.gradient_booster");
        var treesJson = Get(model, "trees", JsonValueKind.Array, source, "learner.gradient_booster.model");
        var trees = new List<RawTree>(treesJson.GetArrayLength());
        var t = 0;
        foreach (var tree in treesJson.EnumerateArray())
        {
            trees.Add(ReadTree(tree, $"learner.gradient_booster.model.trees[{t}]", numFeature, source));
            t++;
        }

        IReadOnlyList<string>? names = null;
        if (learner.TryGetProperty("feature_names", out var fn) && fn.ValueKind == JsonValueKind.Array && fn.GetArrayLength() > 0)
        {
            names = fn.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
        }

        return new RawModel(objective, baseScore, numFeature, trees, names, version);
    }

    /// <summary>A streaming pass first, so a truncated or corrupt file is reported with its byte offset.</summary>
    internal static void ValidateJson(ReadOnlySpan<byte> json, string source)
    {
        if (json.IsEmpty)
        {
            throw new ModelFormatException($"{source} is empty.");
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException($"{source} is not valid JSON at byte {reader.BytesConsumed}: {ex.Message}", ex);
        }
    }

    private static RawTree ReadTree(JsonElement tree, string path, int numFeature, string source)
    {
        if (tree.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException($"{source}: {path} is not an object.");
        }

        var left = IntArray(tree, "left_children", path, source);
        var n = left.Length;
        var right = IntArray(tree, "right_children", path, source, n);
        var split = IntArray(tree, "split_indices", path, source, n);
        var cond = FloatArray(tree, "split_conditions", path, source, n);
        var hess = FloatArray(tree, "sum_hessian", path, source, n);
        var defLeft = BoolArray(tree, "default_left", path, source, n);
        if (n == 0)
        {
            throw new ModelFormatException($"{source}: {path} has no nodes.");
        }

        if (tree.TryGetProperty("split_type", out var st) && st.ValueKind == JsonValueKind.Array
            && st.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Number && e.GetInt32() != 0))
        {
            throw new ModelFormatException($"{source}: {path} has categorical splits (split_type != 0), which are not supported.");
        }

        for (var i = 0; i < n; i++)
        {
            var isLeaf = left[i] == -1;
            if (isLeaf != (right[i] == -1))
            {
                throw new ModelFormatException($"{source}: {path} node {i} has exactly one child.");
            }

            if (!isLeaf)
            {
                if (left[i] <= i || left[i] >= n || right[i] <= i || right[i] >= n)
                {
                    throw new ModelFormatException($"{source}: {path} node {i} has child index out of range ({left[i]}, {right[i]}) for {n} nodes.");
                }

                if (split[i] < 0 || split[i] >= numFeature)
                {
                    throw new ModelFormatException($"{source}: {path} node {i} splits on feature {split[i]} but num_feature is {numFeature}.");
                }
            }
        }

        return new RawTree(left, right, split, cond, defLeft, hess);
    }

    private static JsonElement Get(JsonElement parent, string name, JsonValueKind kind, string source, string? parentPath = null)
    {
        var path = parentPath is null ? name : $"{parentPath}.{name}";
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            throw new ModelFormatException($"{source}: missing field {path}.");
        }

        if (value.ValueKind != kind)
        {
            throw new ModelFormatException($"{source}: field {path} should be {kind} but is {value.ValueKind}.");
        }

        return value;
    }

    private static string GetString(JsonElement e) => e.GetString() ?? string.Empty;

    // learner_model_param values are strings in XGBoost's schema, e.g. "base_score": "5E-1".
    private static float ParseFloatString(JsonElement mp, string name, string source)
    {
        var s = GetString(Get(mp, name, JsonValueKind.String, source, "learner.learner_model_param"));
        if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
        {
            throw new ModelFormatException($"{source}: learner.learner_model_param.{name} '{s}' is not a number.");
        }

        return value;
    }

    private static int ParseIntString(JsonElement mp, string name, string source)
    {
        var s = GetString(Get(mp, name, JsonValueKind.String, source, "learner.learner_model_param"));
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ModelFormatException($"{source}: learner.learner_model_param.{name} '{s}' is not a positive integer.");
        }

        return value;
    }

    private static JsonElement Array(JsonElement tree, string name, string path, string source, int expected)
    {
        var a = Get(tree, name, JsonValueKind.Array, source, path);
        if (expected >= 0 && a.GetArrayLength() != expected)
        {
            throw new ModelFormatException($"{source}: {path}.{name} has {a.GetArrayLength()} entries, expected {expected}.");
        }

        return a;
    }

    private static int[] IntArray(JsonElement tree, string name, string path, string source, int expected = -1)
    {
        var a = Array(tree, name, path, source, expected);
        var result = new int[a.GetArrayLength()];
        var i = 0;
        foreach (var e in a.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out result[i]))
            {
                throw new ModelFormatException($"{source}: {path}.{name}[{i}] is not an integer.");
            }

            i++;
        }

        return result;
    }

    private static float[] FloatArray(JsonElement tree, string name, string path, string source, int expected)
    {
        var a = Array(tree, name, path, source, expected);
        var result = new float[a.GetArrayLength()];
        var i = 0;
        foreach (var e in a.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetSingle(out result[i]))
            {
                throw new ModelFormatException($"{source}: {path}.{name}[{i}] is not a number.");
            }

            i++;
        }

        return result;
    }

    // default_left is an integer array in XGBoost 1.x JSON and a boolean array in some writers.
    private static bool[] BoolArray(JsonElement tree, string name, string path, string source, int expected)
    {
        var a = Array(tree, name, path, source, expected);
        var result = new bool[a.GetArrayLength()];
        var i = 0;
        foreach (var e in a.EnumerateArray())
        {
            result[i] = e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when e.TryGetInt32(out var x) && x is 0 or 1 => x == 1,
                _ => throw new ModelFormatException($"{source}: {path}.{name}[{i}] is not 0/1 or a boolean."),
            };
            i++;
        }

        return result;
    }
}
