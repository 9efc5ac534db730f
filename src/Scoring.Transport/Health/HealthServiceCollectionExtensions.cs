using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Scoring.Transport.Health;

/// <summary>Registers the health registry, its gRPC handlers and the readiness prober.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HealthStatusRegistry"/>, <see cref="HealthService"/> and the
    /// <see cref="HealthProbeService"/> that polls every registered <see cref="IHealthProbe"/>.
    /// </summary>
    public static IServiceCollection AddGrpcHealth(
        this IServiceCollection services, Action<HealthProbeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HealthProbeOptions>()
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<HealthStatusRegistry>();
        services.TryAddSingleton<HealthService>();
        services.AddHostedService<HealthProbeService>();
        return services;
    }

    /// <summary>Adds a readiness probe that gates the services in <see cref="HealthProbeOptions.Services"/>.</summary>
    public static IServiceCollection AddHealthProbe(this IServiceCollection services, IHealthProbe probe)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(probe);
        services.AddSingleton(probe);
        return services;
    }
}
