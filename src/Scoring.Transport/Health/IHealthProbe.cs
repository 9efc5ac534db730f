namespace Scoring.Transport.Health;

/// <summary>
/// A readiness check of one dependency (e.g. the Redis connection). False or an exception
/// means not ready; the probe service applies its own timeout through the token.
/// </summary>
public interface IHealthProbe
{
    /// <summary>A short name for logs; never customer data.</summary>
    string Name { get; }

    ValueTask<bool> CheckAsync(CancellationToken cancellationToken);
}
