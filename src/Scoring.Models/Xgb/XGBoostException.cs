namespace Scoring.Models.Xgb;

/// <summary>A libxgboost C API call returned a failure code; the message is XGBGetLastError.</summary>
public sealed class XGBoostException : Exception
{
    public XGBoostException()
    {
    }

    public XGBoostException(string message)
        : base(message)
    {
    }

    public XGBoostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal XGBoostException(string call, string nativeMessage)
        : base($"{call} failed: {nativeMessage}")
    {
        Call = call;
    }

    /// <summary>The C API function that failed, when known.</summary>
    public string? Call { get; }
}
