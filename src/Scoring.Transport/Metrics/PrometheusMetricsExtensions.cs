using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Scoring.Transport.Metrics;

/// <summary>Wires the Prometheus exporter into a host and serves /metrics on its own port.</summary>
public static class PrometheusMetricsExtensions
{
    /// <summary>
    /// Registers the <see cref="PrometheusExporter"/> singleton and creates it when the host
    /// starts, so that measurements from the first request on are counted.
    /// </summary>
    public static IServiceCollection AddPrometheusMetrics(
        this IServiceCollection services, Action<PrometheusExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<PrometheusExporterOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<IOptions<PrometheusExporterOptions>>().Value));
        services.AddHostedService<PrometheusExporterActivator>();
        return services;
    }

    /// <summary>
    /// Adds a plain HTTP/1.1 endpoint for scrapes, separate from the HTTP/2-only gRPC port.
    /// </summary>
    public static KestrelServerOptions ListenMetrics(this KestrelServerOptions options, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endPoint);
        options.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http1);
        return options;
    }

    /// <summary>
    /// Serves GET <paramref name="pattern"/> with the exposition, only for connections that
    /// arrived on <paramref name="port"/> (the local port of the connection, not the Host
    /// header, which a caller controls); on any other port the path is 404.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(
        this IEndpointRouteBuilder endpoints, int port, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<PrometheusExporter>() is null)
        {
            throw new InvalidOperationException(
                "No PrometheusExporter is registered: call services.AddPrometheusMetrics() before MapPrometheusMetrics.");
        }

        return endpoints.MapGet(pattern, async context =>
        {
            if (context.Connection.LocalPort != port)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var exporter = context.RequestServices.GetRequiredService<PrometheusExporter>();
            var text = await exporter.RenderAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = PrometheusExporter.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        });
    }

    private sealed class PrometheusExporterActivator(PrometheusExporter exporter) : IHostedService
    {
        // Resolving the exporter is the point: its MeterListener starts in the constructor.
        public Task StartAsync(CancellationToken cancellationToken) =>
            exporter is null ? throw new InvalidOperationException("No exporter.") : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
