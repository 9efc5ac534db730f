using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Scoring.Host.Configuration;
using Scoring.Transport;

namespace Scoring.Host;

/// <summary>Wires the service: configuration, listeners, and the gRPC services.</summary>
public static class HostingExtensions
{
    public static WebApplicationBuilder AddScoring(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EndpointsOptions>()
            .BindConfiguration(EndpointsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddGrpcTransport();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // Reading the options here validates them before any port is bound.
            var endpoints = kestrel.ApplicationServices.GetRequiredService<IOptions<EndpointsOptions>>().Value;
            kestrel.ListenGrpc(IPEndPoint.Parse(endpoints.Grpc), LoadCertificate(endpoints));
        });
        return builder;
    }

    public static WebApplication MapScoring(this WebApplication app)
    {
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
