using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Microsoft.Extensions.Options;
using Scoring.Features.Streams;
using Scoring.Host.Configuration;
using Scoring.Host.Infrastructure;
using Scoring.Host.Ingestion;
using Scoring.Host.Models;
using Scoring.Host.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scoring.Transport;
using Scoring.Transport.Health;
using Scoring.Transport.Metrics;
using Scoring.Transport.Reflection;

namespace Scoring.Host;

/// <summary>Wires the service: configuration, listeners, and the gRPC services.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// The services whose readiness follows the feature store's. scoring.v1.ModelAdmin is a
    /// contract only so far: it is neither reported by health nor listed by reflection until served.
    /// </summary>
    internal static readonly string[] ServingServices = ["", "scoring.v1.Scoring", "scoring.v1.Ingest"];

    public static WebApplicationBuilder AddScoring(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EndpointsOptions>()
            .BindConfiguration(EndpointsOptions.Section)
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

        services.AddGrpcTransport();
        services.AddPrometheusMetrics();
        services.AddGrpcHealth(o =>
        {
            foreach (var name in ServingServices.Skip(1))
            {
                o.Services.Add(name);
            }
        });
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<RedisConnection>());

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
        services.AddSingleton<IngestService>();
        services.AddOptions<StreamIngestionHostOptions>().BindConfiguration(StreamIngestionHostOptions.Section);
        services.AddOptions<StreamIngestionOptions>().BindConfiguration(StreamIngestionHostOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StreamIngestionOptions>, StreamIngestionOptionsValidator>();
        services.AddHostedService<StreamIngestionService>();
        services.AddSingleton<ScoringService>();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // Reading the options here validates them before any port is bound.
            var endpoints = kestrel.ApplicationServices.GetRequiredService<IOptions<EndpointsOptions>>().Value;
            kestrel.AddServerHeader = false; // no server banner for scanners, and one header fewer per response
            kestrel.ListenGrpc(IPEndPoint.Parse(endpoints.Grpc), LoadCertificate(endpoints));
            kestrel.ListenMetrics(IPEndPoint.Parse(endpoints.Metrics));
        });
        return builder;
    }

    public static WebApplication MapScoring(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<IOptions<EndpointsOptions>>().Value;
        app.MapScoringMetrics(IPEndPoint.Parse(endpoints.Metrics).Port); // interim: exporter + prometheus-net ingest_* (Infrastructure/MetricsBridge.cs)
        app.MapGrpcHealth();
        IngestService.Map(app);
        ScoringService.Map(app);
        app.MapGrpcReflection(
            Scoring.V1.ScoringReflection.Descriptor,
            Scoring.V1.IngestReflection.Descriptor,
            HealthReflection.Descriptor);
        return app;
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
