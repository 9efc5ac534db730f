using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Transport.Health;

/// <summary>
/// Polls the registered <see cref="IHealthProbe"/>s every <see cref="HealthProbeOptions.Interval"/>
/// and sets the gated services SERVING when all pass, NOT_SERVING when any fails. When the
/// host begins to stop, every service goes NOT_SERVING so balancers drain us first.
/// </summary>
public sealed partial class HealthProbeService : BackgroundService
{
    private readonly HealthStatusRegistry _registry;
    private readonly IHealthProbe[] _probes;
    private readonly HealthProbeOptions _options;
    private readonly ILogger<HealthProbeService> _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly Dictionary<string, bool> _lastResults = new(StringComparer.Ordinal);
    private CancellationTokenRegistration _stoppingRegistration;

    public HealthProbeService(
        HealthStatusRegistry registry,
        IEnumerable<IHealthProbe> probes,
        IOptions<HealthProbeOptions> options,
        ILogger<HealthProbeService> logger,
        IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Value.Validate();
        _registry = registry;
        _probes = [.. probes];
        _options = options.Value;
        _logger = logger;
        _lifetime = lifetime;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Not ready until the first round of probes says so.
        foreach (var service in _options.Services)
        {
            _registry.SetStatus(service, ServingStatus.NotServing);
        }

        if (_lifetime is not null)
        {
            _stoppingRegistration = _lifetime.ApplicationStopping.Register(_registry.Shutdown);
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _registry.Shutdown();
        await _stoppingRegistration.DisposeAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs every probe once and applies the result; true when all passed.</summary>
    public async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(_probes.Select(p => RunProbeAsync(p, cancellationToken))).ConfigureAwait(false);
        var ready = results.All(r => r);
        var status = ready ? ServingStatus.Serving : ServingStatus.NotServing;
        foreach (var service in _options.Services)
        {
            _registry.SetStatus(service, status);
        }

        return ready;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Interval);
        try
        {
            do
            {
                await ProbeOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync has already marked everything NOT_SERVING.
        }
    }

    private async Task<bool> RunProbeAsync(IHealthProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        bool passed;
        try
        {
            passed = await probe.CheckAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogProbeTimedOut(probe.Name, _options.ProbeTimeout.TotalMilliseconds);
            passed = false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A probe's failure of any kind means "not ready", never a crash of the poller.
            LogProbeThrew(probe.Name, e.GetType().Name, e.Message);
            passed = false;
        }

        lock (_lastResults)
        {
            if (!_lastResults.TryGetValue(probe.Name, out var previous) || previous != passed)
            {
                // Log transitions only, so a long outage does not flood the log.
                _lastResults[probe.Name] = passed;
                if (passed)
                {
                    LogProbePassed(probe.Name);
                }
                else
                {
                    LogProbeFailed(probe.Name);
                }
            }
        }

        return passed;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Health probe {Probe} passes.")]
    private partial void LogProbePassed(string probe);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Health probe {Probe} fails; dependent services are NOT_SERVING.")]
    private partial void LogProbeFailed(string probe);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Health probe {Probe} timed out after {TimeoutMs} ms.")]
    private partial void LogProbeTimedOut(string probe, double timeoutMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Health probe {Probe} threw {ExceptionType}: {Detail}")]
    private partial void LogProbeThrew(string probe, string exceptionType, string detail);
}
