using System.Globalization;

namespace Scoring.Protocol.Tests;

/// <summary>Scrapes /metrics and reads sample values from the Prometheus text exposition format.</summary>
public static class MetricsText
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static Task<string> ScrapeAsync(ServiceHost service) =>
        Http.GetStringAsync(new Uri(service.MetricsAddress, "/metrics"));

    /// <summary>
    /// The value of the sample whose name and labels are exactly <paramref name="series"/>
    /// (as written, e.g. <c>name{a="x",b="y"}</c>); 0 when absent (counters start absent here).
    /// </summary>
    public static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public static async Task<double> ValueAsync(ServiceHost service, string series) => Value(await ScrapeAsync(service), series);

    /// <summary>grpc_server_handled_total of one method and code, labels in prometheus-net's order.</summary>
    public static string Handled(string type, string service, string method, string code) =>
        $"grpc_server_handled_total{{grpc_code=\"{code}\",grpc_method=\"{method}\",grpc_service=\"{service}\",grpc_type=\"{type}\"}}";

    public static string Started(string type, string service, string method) =>
        $"grpc_server_started_total{{grpc_method=\"{method}\",grpc_service=\"{service}\",grpc_type=\"{type}\"}}";

    /// <summary>Polls /metrics until <paramref name="series"/> reaches <paramref name="atLeast"/>; returns the last scrape.</summary>
    public static async Task<string> WaitForAsync(ServiceHost service, string series, double atLeast, TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = await ScrapeAsync(service);
            if (Value(text, series) >= atLeast || DateTime.UtcNow > until)
            {
                return text;
            }

            await Task.Delay(50);
        }
    }
}
