namespace Scoring.Models.Evaluator;

/// <summary>A model file (XGBoost JSON) or model package is invalid; the message names the problem.</summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException()
    {
    }

    public ModelFormatException(string message)
        : base(message)
    {
    }

    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
