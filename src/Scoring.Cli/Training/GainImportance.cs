using System.Text.Json;

namespace Scoring.Cli.Training;

/// <summary>Total gain per feature, read from an XGBoost JSON model (sum of loss_changes of its splits).</summary>
internal static class GainImportance
{
    public static List<(string Feature, double Gain)> FromModelJson(ReadOnlySpan<byte> modelJson, IReadOnlyList<string> featureNames)
    {
        var gain = new double[featureNames.Count];
        var reader = new Utf8JsonReader(modelJson);
        using var doc = JsonDocument.ParseValue(ref reader);
        var trees = doc.RootElement.GetProperty("learner").GetProperty("gradient_booster").GetProperty("model").GetProperty("trees");
        foreach (var tree in trees.EnumerateArray())
        {
            var left = tree.GetProperty("left_children");
            var split = tree.GetProperty("split_indices");
            var loss = tree.GetProperty("loss_changes");
            for (var node = 0; node < left.GetArrayLength(); node++)
            {
                if (left[node].GetInt32() >= 0)
                {
                    gain[split[node].GetInt32()] += loss[node].GetDouble();
                }
            }
        }

        return featureNames.Select((name, i) => (name, gain[i])).Where(g => g.Item2 > 0).OrderByDescending(g => g.Item2).ToList();
    }
}
