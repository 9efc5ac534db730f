namespace Scoring.Features.Internal;

/// <summary>A clock stopped at one instant: replay validates as if "now" were the snapshot time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
