namespace Scoring.Models.Xgb;

/// <summary>XGBoosterPredict option_mask bits (c_api.h).</summary>
[Flags]
public enum XgbPredictOptions
{
    /// <summary>Transformed prediction (probability for binary:logistic).</summary>
    None = 0,

    /// <summary>Untransformed margin.</summary>
    OutputMargin = 1,

    /// <summary>Leaf index of each tree.</summary>
    LeafIndex = 2,

    /// <summary>SHAP contributions: one column per feature plus a final bias column, in margin space.</summary>
    Contributions = 4,

    /// <summary>Approximate (Saabas) contributions instead of exact TreeSHAP.</summary>
    ApproximateContributions = 8,

    /// <summary>SHAP interaction values.</summary>
    Interactions = 16,
}
