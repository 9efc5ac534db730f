namespace Scoring.Redis.Protocol;

/// <summary>Bounds applied while framing replies, so a hostile or broken peer cannot exhaust memory.</summary>
internal readonly record struct RespLimits(long MaxBulkLength, long MaxAggregateLength, int MaxDepth, int MaxLineLength)
{
    /// <summary>Redis' own proto-max-bulk-len default is 512 MB; arrays are capped well below int.MaxValue.</summary>
    public static RespLimits Default { get; } = new(512L * 1024 * 1024, 16 * 1024 * 1024, 32, 64 * 1024);
}
