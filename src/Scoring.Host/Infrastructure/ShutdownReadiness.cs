using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Host.Infrastructure;

/// <summary>
/// Health before the first probe and after shutdown begins. The library's health service knows
/// a service only once a probe has been published (until then Check answers NOT_FOUND), and
/// keeps the last published status while the host drains. Load balancers need NOT_SERVING in
/// both cases: from start until Redis answers, and from the moment the host starts to stop, so
/// that they take this replica out of rotation before its listeners close.
/// </summary>
internal sealed class ShutdownReadiness(HealthServiceImpl health, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        SetAll(ServingStatus.NotServing);
        _stopping = lifetime.ApplicationStopping.Register(() => SetAll(ServingStatus.NotServing));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private void SetAll(ServingStatus status)
    {
        foreach (var service in HostingExtensions.ServingServices)
        {
            health.SetStatus(service, status);
        }
    }
}
