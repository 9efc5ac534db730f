using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Scoring.Host.Infrastructure;

/// <summary>
/// Readiness: the feature store answers PING. Tagged <see cref="ReadyTag"/>; the gRPC health
/// service reports the serving services NOT_SERVING while it fails, and during shutdown.
/// </summary>
internal sealed class FeatureStoreHealthCheck(RedisConnection redis, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A probe published while the host drains must not undo ShutdownReadiness.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The service is shutting down.");
        }

        return await redis.CheckAsync(cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The feature store (Redis) does not answer.");
    }
}
