using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Scoring.Features.Streams;
using Scoring.Host.Configuration;
using Scoring.Host.Infrastructure;
using Scoring.Host.Ingestion;
using Scoring.Host.Metrics;
using Scoring.Host.Models;
using Scoring.Host.Serving;

namespace Scoring.Host;

/// <summary>Wires the service: configuration, listeners, and the gRPC services.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// The services whose readiness follows the feature store's. scoring.v1.ModelAdmin is a
    /// contract only so far: it is neither reported by health nor mapped until served.
    /// </summary>
    internal static readonly string[] ServingServices = ["", "scoring.v1.Scoring", "scoring.v1.Ingest"];

    public static WebApplicationBuilder AddScoring(this WebApplicationBuilder builder)
    {
        // The gRPC and runtime series below are ours; prometheus-net's adapters for .NET meters
        // and event counters would add every runtime and ASP.NET Core meter under other names.
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressEventCounters = true,
            SuppressMeters = true,
            SuppressDebugMetrics = true,
        });
        RuntimeMetrics.Register(Prometheus.Metrics.DefaultRegistry);

        var services = builder.Services;
        services.AddOptions<EndpointsOptions>()
            .BindConfiguration(EndpointsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<GrpcOptions>()
            .BindConfiguration(GrpcOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RedisOptions>()
            .BindConfiguration("Redis")
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();

        services.AddSingleton<GrpcServerMetrics>();
        services.AddGrpc(o => o.Interceptors.Add<GrpcServerMetrics>()).AddJsonTranscoding();
        services.AddSingleton<IConfigureOptions<GrpcServiceOptions>>(sp =>
            new ConfigureOptions<GrpcServiceOptions>(o => sp.GetRequiredService<IOptions<GrpcOptions>>().Value.ApplyTo(o)));
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(o =>
        {
            // Check and Watch answer from the last probe, not by pinging Redis per call.
            o.UseHealthChecksCache = true;
            o.Services.Clear();
            foreach (var name in ServingServices)
            {
                o.Services.Map(name, r => r.Tags.Contains(FeatureStoreHealthCheck.ReadyTag));
            }
        }).AddCheck<FeatureStoreHealthCheck>("redis", tags: [FeatureStoreHealthCheck.ReadyTag]);
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(1);
            o.Timeout = TimeSpan.FromSeconds(2);
        });
        services.AddHostedService<ShutdownReadiness>();

        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());

        services.AddOptions<ModelsOptions>().BindConfiguration(ModelsOptions.Section);
        services.AddOptions<OffersOptions>().BindConfiguration(OffersOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelRegistry>());
        services.AddSingleton<OfferCatalogueService>();
        services.AddHostedService(sp => sp.GetRequiredService<OfferCatalogueService>());
        services.AddSingleton<FeatureStoreAccessor>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<CustomerScorer>();
        services.AddSingleton<RiskWatchHub>();
        services.AddOptions<WatchOptions>().BindConfiguration(WatchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RiskChangeFeed>();
        services.AddHostedService<RiskChangeListener>();
        services.AddOptions<StreamIngestionHostOptions>().BindConfiguration(StreamIngestionHostOptions.Section);
        services.AddOptions<StreamIngestionOptions>().BindConfiguration(StreamIngestionHostOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StreamIngestionOptions>, StreamIngestionOptionsValidator>();
        services.AddHostedService<StreamIngestionService>();

        // One instance per process instead of one per call (the library's default activation).
        services.AddSingleton<ScoringService>();
        services.AddSingleton<IngestService>();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // Reading the options here validates them before any port is bound.
            var endpoints = kestrel.ApplicationServices.GetRequiredService<IOptions<EndpointsOptions>>().Value;
            var certificate = LoadCertificate(endpoints);
            kestrel.AddServerHeader = false; // no server banner for scanners, and one header fewer per response
            kestrel.Listen(IPEndPoint.Parse(endpoints.Grpc), listen => Configure(listen, certificate, HttpProtocols.Http2));
            if (!string.IsNullOrEmpty(endpoints.Http))
            {
                kestrel.Listen(IPEndPoint.Parse(endpoints.Http), listen => Configure(listen, certificate, HttpProtocols.Http1));
            }

            kestrel.Listen(IPEndPoint.Parse(endpoints.Metrics), listen => listen.Protocols = HttpProtocols.Http1);
        });
        return builder;
    }

    public static WebApplication MapScoring(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<IOptions<EndpointsOptions>>().Value;
        var metricsPort = IPEndPoint.Parse(endpoints.Metrics).Port;

        // /metrics only on its own port, and nothing but /metrics there.
        app.UseMetricServer(metricsPort);
        app.UseWhen(http => http.Connection.LocalPort == metricsPort, branch => branch.Run(http =>
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));

        app.UseRouting();
        app.Use(GrpcServerMetrics.CountUnimplementedAsync);
        // gRPC-Web for every service: browsers and HTTP/1.1-only proxies.
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });

        // Not RequireHost: it matches the Host/:authority header, which behind a proxy names the
        // proxy's host and port (404 for every call); the branch above already keeps the metrics
        // port to /metrics by the connection's local port.
        app.MapGrpcService<ScoringService>();
        app.MapGrpcService<IngestService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>
    /// h2c with prior knowledge (gRPC) or HTTP/1.1 (gRPC-Web, JSON) in clear text; with a
    /// certificate, TLS offering h2 and http/1.1 through ALPN on both ports, so an HTTP/1.1
    /// caller of native gRPC gets the library's 426 rather than a broken connection.
    /// </summary>
    private static void Configure(ListenOptions listen, X509Certificate2? certificate, HttpProtocols clearText)
    {
        if (certificate is null)
        {
            listen.Protocols = clearText;
            return;
        }

        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(certificate);
    }

    private static X509Certificate2? LoadCertificate(EndpointsOptions endpoints)
    {
        if (string.IsNullOrEmpty(endpoints.CertificatePath))
        {
            return null;
        }

        return string.IsNullOrEmpty(endpoints.CertificateKeyPath)
            ? X509CertificateLoader.LoadPkcs12FromFile(endpoints.CertificatePath, endpoints.CertificatePassword)
            : X509Certificate2.CreateFromPemFile(endpoints.CertificatePath, endpoints.CertificateKeyPath);
    }
}
