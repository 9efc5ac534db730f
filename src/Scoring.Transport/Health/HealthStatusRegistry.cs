using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Transport.Health;

/// <summary>
/// The serving status of each service, as grpc.health.v1.Health reports it
/// (grpc/grpc doc/health-checking.md). The empty name is the server as a whole and starts
/// SERVING. Thread-safe; register as a singleton.
/// </summary>
public sealed class HealthStatusRegistry
{
    /// <summary>The name that stands for the whole server.</summary>
    public const string OverallServer = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [OverallServer] = ServingStatus.Serving };
    private readonly Dictionary<string, List<ChannelWriter<ServingStatus>>> _watchers = new(StringComparer.Ordinal);
    private bool _shutDown;

    /// <summary>
    /// Sets a service's status and tells its watchers. Ignored after <see cref="Shutdown"/>
    /// until <see cref="Resume"/>, so that a late probe cannot mark a stopping server healthy.
    /// </summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status is not (ServingStatus.Serving or ServingStatus.NotServing or ServingStatus.Unknown))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status,
                "status must be SERVING, NOT_SERVING or UNKNOWN; SERVICE_UNKNOWN is only reported by Watch.");
        }

        lock (_lock)
        {
            if (!_shutDown)
            {
                SetLocked(service, status);
            }
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                NotifyLocked(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Marks every service NOT_SERVING and ignores further updates (server stopping).</summary>
    public void Shutdown()
    {
        lock (_lock)
        {
            _shutDown = true;
            foreach (var service in _statuses.Keys.ToArray())
            {
                SetLocked(service, ServingStatus.NotServing);
            }
        }
    }

    /// <summary>Undoes <see cref="Shutdown"/>: every service SERVING and updates accepted again.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _shutDown = false;
            foreach (var service in _statuses.Keys.ToArray())
            {
                SetLocked(service, ServingStatus.Serving);
            }
        }
    }

    /// <summary>The status of <paramref name="service"/>.</summary>
    /// <exception cref="RpcException">NOT_FOUND when the service is unknown.</exception>
    public ServingStatus Check(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status)
                ? status
                : throw new RpcException(StatusCode.NotFound, $"Service '{service}' is unknown.");
        }
    }

    /// <summary>
    /// The current status at once (SERVICE_UNKNOWN for a service not registered yet), then
    /// every change. A slow reader may miss intermediate statuses but always gets the latest
    /// (the spec allows coalescing). Ends when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<HealthCheckResponse> Watch(
        string service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);

        // Capacity one, drop the oldest: the writer never waits and the reader sees the latest.
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        ServingStatus last;
        lock (_lock)
        {
            // Subscribing and reading the current status under one lock: no change is missed.
            last = _statuses.TryGetValue(service, out var status) ? status : ServingStatus.ServiceUnknown;
            if (!_watchers.TryGetValue(service, out var list))
            {
                _watchers[service] = list = [];
            }

            list.Add(channel.Writer);
        }

        try
        {
            yield return new HealthCheckResponse { Status = last };
            while (await ReadNextAsync(channel.Reader, cancellationToken).ConfigureAwait(false) is { } next)
            {
                if (next != last)
                {
                    last = next;
                    yield return new HealthCheckResponse { Status = next };
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                if (_watchers.TryGetValue(service, out var list) && list.Remove(channel.Writer) && list.Count == 0)
                {
                    _watchers.Remove(service);
                }
            }
        }
    }

    private static async ValueTask<ServingStatus?> ReadNextAsync(
        ChannelReader<ServingStatus> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private void SetLocked(string service, ServingStatus status)
    {
        if (_statuses.TryGetValue(service, out var previous) && previous == status)
        {
            return;
        }

        _statuses[service] = status;
        NotifyLocked(service, status);
    }

    private void NotifyLocked(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var writer in list)
            {
                writer.TryWrite(status);
            }
        }
    }
}
