using Scoring.Features.Store;
using Scoring.Redis;
using Grpc.Core;

namespace Scoring.Host.Infrastructure;

/// <summary>The feature store over the service's Redis connection; UNAVAILABLE until connected.</summary>
internal sealed class FeatureStoreAccessor(RedisConnection redis, Serving.RiskChangeFeed changes)
{
    private RedisFeatureStore? _store;
    private RedisClient? _client;

    public RedisFeatureStore Store
    {
        get
        {
            var client = redis.Client;
            var store = Volatile.Read(ref _store);
            if (store is null || !ReferenceEquals(Volatile.Read(ref _client), client))
            {
                store = new RedisFeatureStore(client, new FeatureStoreOptions { Observer = changes });
                Volatile.Write(ref _client, client);
                Volatile.Write(ref _store, store);
            }

            return store;
        }
    }

    /// <summary>Maps feature-store failures to the status a caller should see (UNAVAILABLE: retry later).</summary>
    public static RpcException Unavailable(Exception ex) => ex switch
    {
        RedisTimeoutException => new RpcException(new Status(StatusCode.Unavailable, "The feature store did not answer in time.")),
        FeatureStoreConflictException => new RpcException(new Status(StatusCode.Aborted, "Too many concurrent writers for the same customers; retry.")),
        _ => new RpcException(new Status(StatusCode.Unavailable, "The feature store is unavailable.")),
    };
}
