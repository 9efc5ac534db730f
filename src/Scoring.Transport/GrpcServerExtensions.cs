using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Scoring.Transport.Internal;

namespace Scoring.Transport;

public static class GrpcServerExtensions
{
    /// <summary>Registers the gRPC layer; options come from section "Grpc" and are validated at start.</summary>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        var builder = services.AddOptions<GrpcServerOptions>().BindConfiguration(GrpcServerOptions.Section);
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        builder.ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GrpcServiceRegistry>();
        services.AddRouting();
        return services;
    }

    /// <summary>
    /// Listens for gRPC: h2c with prior knowledge without a certificate; TLS with ALPN
    /// offering h2 and http/1.1 with one, so HTTP/1.1 callers get a clear 426.
    /// </summary>
    public static void ListenGrpc(this KestrelServerOptions kestrel, IPEndPoint endpoint, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        kestrel.Listen(endpoint, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
            else
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        });
    }

    /// <summary>Maps a service by its full name, e.g. "scoring.v1.Scoring".</summary>
    public static GrpcServiceBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, string fullServiceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullServiceName);
        MapGrpcFallback(endpoints);
        return new GrpcServiceBuilder(endpoints, fullServiceName);
    }

    /// <summary>Answers UNIMPLEMENTED for gRPC calls to unknown services or methods; idempotent.</summary>
    public static IEndpointRouteBuilder MapGrpcFallback(this IEndpointRouteBuilder endpoints)
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        if (Interlocked.Exchange(ref registry.FallbackMapped, 1) == 0)
        {
            endpoints.Map("/{**path}", http => ProtocolChecks.UnimplementedAsync(http, registry))
                .WithDisplayName("gRPC unimplemented")
                .Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
        }
        return endpoints;
    }
}
