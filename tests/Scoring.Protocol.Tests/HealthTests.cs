using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Scoring.Testing;
using Scoring.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Protocol.Tests;

/// <summary>
/// grpc.health.v1 readiness follows the feature store and the host's lifetime: NOT_SERVING while
/// Redis is down and from the moment the host begins to stop, SERVING while Redis answers; Watch
/// streams each change. Each test has its own Redis and service, since it breaks them.
/// </summary>
public sealed class HealthTests
{
    private static readonly string[] Services = ["", "scoring.v1.Scoring", "scoring.v1.Ingest"];

    [Fact]
    public async Task Health_WhenRedisIsUnreachable_IsNotServingAndCallsAreUnavailable()
    {
        // A port nothing listens on: the service starts anyway and reports NOT_SERVING.
        await using var service = await ServiceHost.StartAsync($"127.0.0.1:{TestPorts.GetFreeTcpPort()}");

        foreach (var name in Services)
        {
            Assert.Equal(ServingStatus.NotServing, await service.CheckAsync(name));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => new Scoring.V1.Scoring.ScoringClient(service.Channel)
            .GetScoresAsync(new GetScoresRequest { CustomerId = "anyone", Channel = Channel.Web }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_FromGrpcio_SeesRedisGoingDownAndComingBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var service = await ServiceHost.StartAsync(redis.Endpoint);
        await service.WaitForStatusAsync("", ServingStatus.Serving);
        var environment = await PythonClients.HealthEnvironmentAsync();
        using var overall = PythonRunner.Start(PythonClients.Script("health_reflection.py"), [service.GrpcTarget, "watch", ""], environment);
        using var scoring = PythonRunner.Start(PythonClients.Script("health_reflection.py"), [service.GrpcTarget, "watch", "scoring.v1.Scoring"], environment);
        try
        {
            await ReadUntilAsync(overall, "SERVING");
            await ReadUntilAsync(scoring, "SERVING");

            await redis.StopAsync();
            await ReadUntilAsync(overall, "NOT_SERVING");
            await ReadUntilAsync(scoring, "NOT_SERVING");
            Assert.Equal(ServingStatus.NotServing, await service.CheckAsync("scoring.v1.Ingest"));

            await redis.RestartAsync();
            await ReadUntilAsync(overall, "SERVING");
            await ReadUntilAsync(scoring, "SERVING");
            Assert.Equal(ServingStatus.Serving, await service.CheckAsync("scoring.v1.Ingest"));
        }
        finally
        {
            overall.Kill(entireProcessTree: true);
            scoring.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task HealthWatch_WhenTheHostBeginsToStop_SeesNotServing()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var service = await ServiceHost.StartAsync(redis.Endpoint);
        await service.WaitForStatusAsync("scoring.v1.Scoring", ServingStatus.Serving);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = new Health.HealthClient(service.Channel).Watch(new HealthCheckRequest { Service = "scoring.v1.Scoring" }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        // As on SIGTERM: load balancers must see NOT_SERVING before the listeners close.
        service.Lifetime.StopApplication();

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token), "the watch ended without NOT_SERVING");
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        await cts.CancelAsync(); // our side ends the stream, so the host's drain does not wait for it
    }

    /// <summary>Reads status lines until <paramref name="expected"/> (generous bound); repeats of the previous status are allowed.</summary>
    private static async Task ReadUntilAsync(Process python, string expected)
    {
        var seen = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            string? line;
            try
            {
                line = await python.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {expected} from the watch; saw [{string.Join(", ", seen)}]. stderr: {await ReadErrorAsync(python)}");
            }

            if (line is null)
            {
                throw new InvalidOperationException($"The watch ended before {expected}; saw [{string.Join(", ", seen)}]. stderr: {await ReadErrorAsync(python)}");
            }

            seen.Add(line);
            if (line == expected)
            {
                return;
            }
        }
    }

    private static async Task<string> ReadErrorAsync(Process python)
    {
        if (!python.HasExited)
        {
            python.Kill(entireProcessTree: true);
        }

        return await python.StandardError.ReadToEndAsync();
    }
}
