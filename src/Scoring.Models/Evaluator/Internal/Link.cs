namespace Scoring.Models.Evaluator.Internal;

/// <summary>How an objective maps the margin to a prediction, and base_score to the base margin.</summary>
internal enum Link
{
    /// <summary>reg:squarederror: prediction = margin, base margin = base_score.</summary>
    Identity,

    /// <summary>binary:logistic, reg:logistic: prediction = sigmoid(margin), base margin = logit(base_score).</summary>
    Logistic,

    /// <summary>binary:logitraw: prediction = margin, base margin = base_score (libxgboost 1.7 does not map it).</summary>
    LogitRaw,

    /// <summary>count:poisson, reg:tweedie, reg:gamma: prediction = exp(margin), base margin = log(base_score).</summary>
    Exp,
}

internal static class Links
{
    public static bool TryFromObjective(string objective, out Link link)
    {
        link = objective switch
        {
            "reg:squarederror" => Link.Identity,
            "binary:logistic" or "reg:logistic" => Link.Logistic,
            "binary:logitraw" => Link.LogitRaw,
            "count:poisson" or "reg:tweedie" or "reg:gamma" => Link.Exp,
            _ => (Link)(-1),
        };
        return (int)link >= 0;
    }

    /// <summary>ObjFunction::ProbToMargin, evaluated in float32 as libxgboost does.</summary>
    public static float BaseMargin(Link link, float baseScore) => link switch
    {
        Link.Logistic => -MathF.Log((1.0f / baseScore) - 1.0f),
        Link.Exp => MathF.Log(baseScore),
        _ => baseScore,
    };
}
