using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scoring.Host;
using Scoring.Testing;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Protocol.Tests;

/// <summary>
/// The real service in-process, wired as Program.cs wires it (AddScoring, MapScoring), with the
/// gRPC (h2c), HTTP/1.1 (gRPC-Web, JSON) and metrics listeners all on free loopback ports.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServiceHost(WebApplication app, int grpcPort, int httpPort, int metricsPort)
    {
        _app = app;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        MetricsPort = metricsPort;
        Channel = GrpcChannel.ForAddress(GrpcAddress);
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public int MetricsPort { get; }

    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");

    public Uri MetricsAddress => new($"http://127.0.0.1:{MetricsPort}");

    /// <summary>host:port of the h2c listener, as grpcio and h2load take it.</summary>
    public string GrpcTarget => $"127.0.0.1:{GrpcPort}";

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the service against <paramref name="redisEndpoint"/>; retries on fresh ports if one was taken meanwhile.</summary>
    public static async Task<ServiceHost> StartAsync(string redisEndpoint, IDictionary<string, string?>? extraSettings = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = DistinctPorts(3);
            var settings = new Dictionary<string, string?>(extraSettings ?? new Dictionary<string, string?>())
            {
                // All three explicitly: the defaults (50051, 8080, 9464) would collide with anything else on the machine.
                ["Endpoints:Grpc"] = $"127.0.0.1:{ports[0]}",
                ["Endpoints:Http"] = $"127.0.0.1:{ports[1]}",
                ["Endpoints:Metrics"] = $"127.0.0.1:{ports[2]}",
                ["Redis:Endpoint"] = redisEndpoint,
            };
            var app = Build(settings);
            try
            {
                await app.StartAsync();
                return new ServiceHost(app, ports[0], ports[1], ports[2]);
            }
            catch (IOException) when (attempt < 5)
            {
                // Another process took a port between probing and binding (TestPorts says so).
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Builds the service as Program.cs does, with in-memory configuration on top.</summary>
    private static WebApplication Build(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddScoring();
        var app = builder.Build();
        app.MapScoring();
        return app;
    }

    private static int[] DistinctPorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(TestPorts.GetFreeTcpPort());
        }

        return [.. ports];
    }

    /// <summary>grpc.health.v1 Check; NOT_FOUND from the library comes back as an RpcException.</summary>
    public async Task<ServingStatus> CheckAsync(string service)
    {
        var client = new Health.HealthClient(Channel);
        var reply = await client.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(10));
        return reply.Status;
    }

    /// <summary>Polls Check until it answers <paramref name="status"/> (generous bound; no fixed sleeps).</summary>
    public async Task WaitForStatusAsync(string service, ServingStatus status, TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        ServingStatus? last = null;
        while (true)
        {
            try
            {
                last = await CheckAsync(service);
                if (last == status)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // Not known yet, or shutting down: keep polling until the bound.
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Health of '{service}' did not become {status} (last {last?.ToString() ?? "no answer"}).");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The host's lifetime, to begin a graceful stop as SIGTERM would.</summary>
    public IHostApplicationLifetime Lifetime => _app.Services.GetRequiredService<IHostApplicationLifetime>();

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Streams still open at the end of a test: disposal below ends them.
        }

        await _app.DisposeAsync();
    }
}
