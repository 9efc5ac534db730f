using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scoring.Host;
using Scoring.Testing;
using HealthClient = Grpc.Health.V1.Health.HealthClient;
using IngestClient = Scoring.V1.Ingest.IngestClient;
using ScoringClient = Scoring.V1.Scoring.ScoringClient;

namespace Scoring.EndToEnd.Tests;

/// <summary>
/// The real service, wired exactly as Program.cs wires it, on free loopback ports, against
/// a real redis-server of its own.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public RedisServer Redis { get; private set; } = null!;

    public int GrpcPort { get; private set; }

    public int MetricsPort { get; private set; }

    /// <summary>The HTTP/1.1 port for gRPC-Web and HTTP/JSON.</summary>
    public int HttpPort { get; private set; }

    /// <summary>One h2c channel to the service, shared by the clients below (Grpc.Net.Client).</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>scoring.v1.Scoring on <see cref="Channel"/>.</summary>
    public ScoringClient Scores { get; private set; } = null!;

    /// <summary>scoring.v1.Ingest on <see cref="Channel"/>.</summary>
    public IngestClient Ingest { get; private set; } = null!;

    /// <summary>grpc.health.v1.Health on <see cref="Channel"/>.</summary>
    public HealthClient Health { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    // DEBUG SLEEP lets a test make Redis slow without stopping it.
    public Task InitializeAsync() => StartAsync(new Dictionary<string, string?>(), new RedisServerOptions { EnableDebugCommand = true });

    /// <summary>Starts Redis and the service with extra configuration on top of the ports.</summary>
    public async Task StartAsync(IDictionary<string, string?> extraSettings, RedisServerOptions? redisOptions = null)
    {
        Redis = await RedisServer.StartAsync(redisOptions);
        GrpcPort = TestPorts.GetFreeTcpPort();
        MetricsPort = TestPorts.GetFreeTcpPort();
        HttpPort = TestPorts.GetFreeTcpPort();
        var settings = new Dictionary<string, string?>(extraSettings)
        {
            ["Endpoints:Grpc"] = $"127.0.0.1:{GrpcPort}",
            ["Endpoints:Metrics"] = $"127.0.0.1:{MetricsPort}",
            ["Endpoints:Http"] = $"127.0.0.1:{HttpPort}",
            ["Redis:Endpoint"] = Redis.Endpoint,
        };
        _app = BuildApp(settings);
        await _app.StartAsync();
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        Scores = new ScoringClient(Channel);
        Ingest = new IngestClient(Channel);
        Health = new HealthClient(Channel);
    }

    /// <summary>Waits (generously) until health says SERVING, i.e. Redis is connected.</summary>
    public async Task WaitServingAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await Health.CheckAsync(new HealthCheckRequest { Service = "scoring.v1.Scoring" }, deadline: DateTime.UtcNow.AddSeconds(10))).Status;
            if (status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The service did not become SERVING in 60 s (last {status}).");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The service's own object of type <typeparamref name="T"/> (e.g. the feature store accessor).</summary>
    internal T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Builds the service as Program.cs does, with configuration overrides.</summary>
    public static WebApplication BuildApp(IDictionary<string, string?> settings)
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

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
