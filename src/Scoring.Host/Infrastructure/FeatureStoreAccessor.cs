using Scoring.Features.Store;
using Grpc.Core;
using StackExchange.Redis;

namespace Scoring.Host.Infrastructure;

/// <summary>The feature store over the service's Redis multiplexer; UNAVAILABLE until it exists.</summary>
internal sealed class FeatureStoreAccessor(RedisConnection redis, Serving.RiskChangeFeed changes)
{
    private RedisFeatureStore? _store;

    public RedisFeatureStore Store
    {
        get
        {
            if (Volatile.Read(ref _store) is { } store)
            {
                return store;
            }

            // One multiplexer per process, reconnecting by itself: the store is made once.
            store = new RedisFeatureStore(redis.Database, new FeatureStoreOptions { Observer = changes });
            return Interlocked.CompareExchange(ref _store, store, null) ?? store;
        }
    }

    /// <summary>Maps feature-store failures to the status a caller should see (UNAVAILABLE: retry later).</summary>
    public static RpcException Unavailable(Exception ex) => ex switch
    {
        RedisTimeoutException => new RpcException(new Status(StatusCode.Unavailable, "The feature store did not answer in time.")),
        FeatureStoreConflictException => new RpcException(new Status(StatusCode.Aborted, "Too many concurrent writers for the same customers; retry.")),
        // Server errors that mean "not now" (loading, busy script, failover in progress); others are ours.
        RedisServerException server when !IsTransient(server.Message) => new RpcException(new Status(StatusCode.Internal, "The feature store rejected a command.")),
        _ => new RpcException(new Status(StatusCode.Unavailable, "The feature store is unavailable.")),
    };

    // Error prefixes of https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors seen while a server cannot serve yet.
    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal) || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal) || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("OOM", StringComparison.Ordinal) || message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
