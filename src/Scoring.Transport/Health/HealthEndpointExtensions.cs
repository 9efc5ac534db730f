using Grpc.Health.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Scoring.Transport.Health;

public static class HealthEndpointExtensions
{
    /// <summary>Serves grpc.health.v1.Health (Check and Watch) from the registered <see cref="HealthService"/>.</summary>
    public static GrpcServiceBuilder MapGrpcHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.ServiceProvider.GetRequiredService<HealthService>();
        return endpoints.MapGrpcService(HealthService.ServiceName)
            .Unary<HealthCheckRequest, HealthCheckResponse>("Check", (request, context) => health.CheckAsync(request, context.CancellationToken))
            .ServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", async (request, responses, context) =>
            {
                try
                {
                    await health.WatchAsync(request, (response, ct) => responses.WriteAsync(response, ct), context.CancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
                {
                    // Watch ends when the caller cancels; that is its normal end.
                }
            });
    }
}
