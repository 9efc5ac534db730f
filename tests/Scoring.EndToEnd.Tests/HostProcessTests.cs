using System.Diagnostics;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Scoring.Testing;

namespace Scoring.EndToEnd.Tests;

/// <summary>
/// The built service binary run as an operator runs it (`dotnet Scoring.Host.dll`), from a
/// working directory that is not its own: it must still read the appsettings.json beside it.
/// </summary>
public sealed class HostProcessTests
{
    [Fact]
    public async Task Binary_StartedFromAnotherDirectory_ReadsItsAppSettings()
    {
        await using var redis = await RedisServer.StartAsync();
        var host = HostBinary();
        var cwd = Directory.CreateTempSubdirectory("scoring-cwd-");
        var grpcPort = TestPorts.GetFreeTcpPort();
        var start = new ProcessStartInfo("dotnet", [host])
        {
            WorkingDirectory = cwd.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Endpoints__Grpc"] = $"127.0.0.1:{grpcPort}",
                ["Endpoints__Metrics"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Endpoints__Http"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Redis__Endpoint"] = redis.Endpoint,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var health = new Health.HealthClient(channel);
            var until = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                    if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        break;
                    }
                }
                catch (Exception) when (DateTime.UtcNow < until && !process.HasExited)
                {
                    // not listening yet
                }

                Assert.True(DateTime.UtcNow < until && !process.HasExited, "the service never answered SERVING");
                await Task.Delay(200);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            cwd.Delete(recursive: true);
        }

        // appsettings.json keeps Microsoft.AspNetCore at Warning: no line per request.
        var log = await output + await errors;
        Assert.DoesNotContain("Request finished", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", log, StringComparison.Ordinal);
    }

    /// <summary>src/Scoring.Host/bin/&lt;configuration&gt;/net10.0/Scoring.Host.dll, built with this test project.</summary>
    private static string HostBinary()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Scoring.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var host = Path.Combine(root.FullName, "src", "Scoring.Host", "bin", configuration, framework, "Scoring.Host.dll");
        Assert.True(File.Exists(host), $"build the service first: {host} is missing");
        return host;
    }
}
