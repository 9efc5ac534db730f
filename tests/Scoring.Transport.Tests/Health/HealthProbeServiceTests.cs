using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scoring.Transport.Health;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Transport.Tests.Health;

/// <summary>The prober against a real TCP listener that goes away and comes back.</summary>
public sealed class HealthProbeServiceTests
{
    private const string Gated = "scoring.v1.Scoring";

    [Fact]
    public async Task ProbeService_DependencyStopsAndReturns_FlipsNotServingThenServing()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var registry = new HealthStatusRegistry();
        registry.SetStatus(Gated, ServingStatus.NotServing);
        using var service = NewService(registry, new TcpHealthProbe("redis", "127.0.0.1", port));
        using var cancel = new CancellationTokenSource();
        var seen = Channel.CreateUnbounded<ServingStatus>();
        var watcher = HealthStatusRegistryTests.ConsumeAsync(registry.Watch(Gated, cancel.Token), seen.Writer);

        try
        {
            Assert.Equal(ServingStatus.NotServing, await HealthStatusRegistryTests.NextAsync(seen.Reader));
            await service.StartAsync(default);
            Assert.Equal(ServingStatus.Serving, await HealthStatusRegistryTests.NextAsync(seen.Reader));

            listener.Stop();
            Assert.Equal(ServingStatus.NotServing, await HealthStatusRegistryTests.NextAsync(seen.Reader));
            Assert.Equal(ServingStatus.NotServing, registry.Check(""));

            listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            Assert.Equal(ServingStatus.Serving, await HealthStatusRegistryTests.NextAsync(seen.Reader));
            Assert.Equal(ServingStatus.Serving, registry.Check(""));

            await service.StopAsync(default);
            Assert.Equal(ServingStatus.NotServing, await HealthStatusRegistryTests.NextAsync(seen.Reader));
            Assert.Equal(ServingStatus.NotServing, registry.Check(""));
        }
        finally
        {
            listener.Stop();
            await cancel.CancelAsync();
            await watcher;
        }
    }

    [Fact]
    public async Task AddGrpcHealth_HostStartsAndStops_ServesThenNotServing()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddGrpcHealth(o =>
            {
                o.Interval = TimeSpan.FromMilliseconds(100);
                o.Services.Add(Gated);
            });
            builder.Services.AddHealthProbe(new TcpHealthProbe("dep", "127.0.0.1", port));
            using var host = builder.Build();
            var registry = host.Services.GetRequiredService<HealthStatusRegistry>();
            var health = host.Services.GetRequiredService<HealthService>();
            using var cancel = new CancellationTokenSource();
            var seen = Channel.CreateUnbounded<ServingStatus>();
            var watcher = HealthStatusRegistryTests.ConsumeAsync(registry.Watch(Gated, cancel.Token), seen.Writer);
            Assert.Equal(ServingStatus.ServiceUnknown, await HealthStatusRegistryTests.NextAsync(seen.Reader));

            await host.StartAsync();
            await WaitForAsync(seen.Reader, ServingStatus.Serving);
            await host.StopAsync();
            Assert.Equal(ServingStatus.NotServing, await HealthStatusRegistryTests.NextAsync(seen.Reader));

            Assert.Equal(ServingStatus.NotServing,
                (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), default)).Status);
            await cancel.CancelAsync();
            await watcher;
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ProbeOnceAsync_ProbeThatHangsOrThrows_CountsAsFailure()
    {
        var registry = new HealthStatusRegistry();
        using var hanging = NewService(registry, new HangingProbe());
        using var throwing = NewService(registry, new ThrowingProbe());

        Assert.False(await hanging.ProbeOnceAsync(default));
        Assert.Equal(ServingStatus.NotServing, registry.Check(Gated));
        Assert.False(await throwing.ProbeOnceAsync(default));
    }

    [Fact]
    public async Task TcpHealthProbe_NothingListening_ReturnsFalse()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probe = new TcpHealthProbe("dep", "127.0.0.1", port);
        var whileListening = await probe.CheckAsync(default);
        listener.Stop();

        Assert.True(whileListening);
        Assert.False(await probe.CheckAsync(default));
    }

    [Fact]
    public void Constructor_NonPositiveInterval_ThrowsNamingTheField()
    {
        var options = new HealthProbeOptions { Interval = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HealthProbeService(
            new HealthStatusRegistry(), [], Options.Create(options), NullLogger<HealthProbeService>.Instance));

        Assert.Equal(nameof(HealthProbeOptions.Interval), error.ParamName);
    }

    /// <summary>Reads until <paramref name="status"/>: a watcher may see NOT_SERVING (not probed yet) first.</summary>
    private static async Task WaitForAsync(ChannelReader<ServingStatus> reader, ServingStatus status)
    {
        while (await HealthStatusRegistryTests.NextAsync(reader) != status)
        {
        }
    }

    private static HealthProbeService NewService(HealthStatusRegistry registry, IHealthProbe probe)
    {
        var options = new HealthProbeOptions
        {
            Interval = TimeSpan.FromMilliseconds(100),
            ProbeTimeout = TimeSpan.FromMilliseconds(500),
        };
        options.Services.Add(Gated);
        return new HealthProbeService(registry, [probe], Options.Create(options), NullLogger<HealthProbeService>.Instance);
    }

    /// <summary>A dependency that never answers: only the probe timeout ends it.</summary>
    private sealed class HangingProbe : IHealthProbe
    {
        public string Name => "hangs";

        public async ValueTask<bool> CheckAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return true;
        }
    }

    private sealed class ThrowingProbe : IHealthProbe
    {
        public string Name => "throws";

        public ValueTask<bool> CheckAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("connection reset");
    }
}
