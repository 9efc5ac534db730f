using System.Text;
using Microsoft.AspNetCore.Http;
using Prometheus;
using Scoring.Transport.Metrics;

namespace Scoring.Host.Infrastructure;

/// <summary>
/// Interim /metrics while the service moves to prometheus-net: the System.Diagnostics.Metrics
/// exposition of <see cref="PrometheusExporter"/> followed by the prometheus-net families this
/// service defines natively (the ingestion metrics, <c>ingest_*</c>). Replaced by the
/// prometheus-net endpoint when the exporter moves over; only then should default metrics of
/// prometheus-net be turned on (they would duplicate the exporter's process_* and dotnet_*).
/// </summary>
internal static class MetricsBridge
{
    private const string NativePrefix = "ingest_";

    static MetricsBridge()
    {
        // No process, .NET, Meter or EventCounter collectors in the default registry: the
        // exporter above already renders those (https://github.com/prometheus-net/prometheus-net#default-metrics).
        Metrics.SuppressDefaultMetrics();
    }

    /// <summary>Serves GET /metrics on <paramref name="port"/> only (404 on any other port).</summary>
    public static IEndpointConventionBuilder MapScoringMetrics(this IEndpointRouteBuilder endpoints, int port)
    {
        var exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        return endpoints.MapGet("/metrics", async context =>
        {
            if (context.Connection.LocalPort != port)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var text = await exporter.RenderAsync(context.RequestAborted).ConfigureAwait(false);
            var native = await RenderNativeAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = PrometheusExporter.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(text + native, context.RequestAborted).ConfigureAwait(false);
        });
    }

    /// <summary>The prometheus-net families named <c>ingest_*</c>, in text format 0.0.4.</summary>
    internal static async Task<string> RenderNativeAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        var builder = new StringBuilder();
        foreach (var line in Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Split('\n'))
        {
            var name = line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) ? line[7..] : line;
            if (name.StartsWith(NativePrefix, StringComparison.Ordinal))
            {
                builder.Append(line).Append('\n');
            }
        }

        return builder.ToString();
    }
}
