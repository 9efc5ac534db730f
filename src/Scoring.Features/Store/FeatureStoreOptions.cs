namespace Scoring.Features.Store;

/// <summary>Options of <see cref="RedisFeatureStore"/>.</summary>
public sealed class FeatureStoreOptions
{
    /// <summary>How late an event may be relative to the customer's newest (default 7 days).</summary>
    public TimeSpan Lateness { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The server clock (validation rejects events more than 5 minutes ahead of it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Attempts per batch before giving up when other writers keep changing the same customers.</summary>
    public int MaxCompareAndSetAttempts { get; init; } = 32;

    /// <summary>Largest batch of customers read in one pipelined round trip.</summary>
    public int MaxReadBatch { get; init; } = 1000;

    /// <summary>Rejections listed in a summary (the rest are only counted).</summary>
    public int MaxRejectionsListed { get; init; } = 100;

    /// <summary>Told of committed class changes (WatchRisk); null for none.</summary>
    public IStateChangeObserver? Observer { get; init; }
}
