using Grpc.Health.V1;

namespace Scoring.Transport.Health;

/// <summary>
/// The grpc.health.v1.Health handlers, shaped for the server's unary and server-streaming
/// registration: Check and Watch over a <see cref="HealthStatusRegistry"/>.
/// </summary>
public sealed class HealthService(HealthStatusRegistry registry)
{
    /// <summary>The full service name to register the handlers under.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    /// <summary>Check: the status, or NOT_FOUND for an unknown service.</summary>
    public ValueTask<HealthCheckResponse> CheckAsync(HealthCheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new HealthCheckResponse { Status = registry.Check(request.Service) });
    }

    /// <summary>Watch: writes the current status, then each change, until the call is cancelled.</summary>
    public async Task WatchAsync(
        HealthCheckRequest request,
        Func<HealthCheckResponse, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(write);
        await foreach (var response in registry.Watch(request.Service, cancellationToken).ConfigureAwait(false))
        {
            await write(response, cancellationToken).ConfigureAwait(false);
        }
    }
}
