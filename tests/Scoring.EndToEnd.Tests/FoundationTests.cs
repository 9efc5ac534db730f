using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Options;
using ModelAdminClient = Scoring.V1.ModelAdmin.ModelAdminClient;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.EndToEnd.Tests;

/// <summary>The service process as wired by the host: health tied to Redis, metrics, reflection.</summary>
[Collection(ServiceCollection.Name)]
public sealed class FoundationTests(ServiceFixture service)
{
    private async Task<ServingStatus> WaitForStatusAsync(ServingStatus expected, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var last = ServingStatus.Unknown;
        while (watch.Elapsed < timeout)
        {
            last = (await service.Health.CheckAsync(new HealthCheckRequest { Service = "scoring.v1.Scoring" }, deadline: DateTime.UtcNow.AddSeconds(10))).Status;
            if (last == expected)
            {
                return last;
            }
            await Task.Delay(200);
        }
        return last;
    }

    [Fact]
    public async Task Health_FollowsTheRedisConnection()
    {
        Assert.Equal(ServingStatus.Serving, await WaitForStatusAsync(ServingStatus.Serving, TimeSpan.FromSeconds(60)));
        await service.Redis.StopAsync();
        try
        {
            Assert.Equal(ServingStatus.NotServing, await WaitForStatusAsync(ServingStatus.NotServing, TimeSpan.FromSeconds(60)));
        }
        finally
        {
            await service.Redis.RestartAsync();
        }
        Assert.Equal(ServingStatus.Serving, await WaitForStatusAsync(ServingStatus.Serving, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Health_ForAnUnknownService_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await service.Health.CheckAsync(
            new HealthCheckRequest { Service = "no.such.Service" }, deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task ModelAdmin_NotServedYet_IsNeitherHealthyNorCallable()
    {
        // The contract exists (model_admin.proto); until the service is built, health must not
        // claim it and a call must say UNIMPLEMENTED rather than pretend.
        var health = await Assert.ThrowsAsync<RpcException>(async () => await service.Health.CheckAsync(
            new HealthCheckRequest { Service = "scoring.v1.ModelAdmin" }, deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(StatusCode.NotFound, health.StatusCode);
        var call = await Assert.ThrowsAsync<RpcException>(async () => await new ModelAdminClient(service.Channel).ListModelsAsync(
            new Scoring.V1.ListModelsRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(StatusCode.Unimplemented, call.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterTraffic_PassPromtoolAndCountCalls()
    {
        for (var i = 0; i < 5; i++)
        {
            await service.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        }
        // A method no service has: no generated client can call it, so describe it by hand
        // (https://grpc.github.io/grpc/csharp/api/Grpc.Core.Method-2.html).
        var marshaller = Marshallers.Create((HealthCheckRequest m) => m.ToByteArray(), HealthCheckRequest.Parser.ParseFrom);
        var nothing = new Method<HealthCheckRequest, HealthCheckRequest>(MethodType.Unary, "scoring.v1.Nope", "Nothing", marshaller, marshaller);
        await Assert.ThrowsAsync<RpcException>(async () => await service.Channel.CreateCallInvoker().AsyncUnaryCall(
            nothing, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), new HealthCheckRequest()));
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://127.0.0.1:{service.MetricsPort}/metrics");
        Assert.Contains("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"}", text, StringComparison.Ordinal);
        Assert.Contains("grpc_server_handled_total{grpc_code=\"Unimplemented\",grpc_method=\"unknown\",grpc_service=\"unknown\",grpc_type=\"unary\"}", text, StringComparison.Ordinal);
        Assert.Contains("grpc_server_handling_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("process_resident_memory_bytes", text, StringComparison.Ordinal);

        var promtool = Process.Start(new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var problems = await promtool.StandardError.ReadToEndAsync() + await promtool.StandardOutput.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, problems);
        Assert.Equal(string.Empty, problems.Trim());
    }

    [Fact]
    public async Task Responses_CarryNoServerBanner()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.TryAddWithoutValidation("content-type", "application/grpc");
        using var grpc = await http.PostAsync($"http://127.0.0.1:{service.GrpcPort}/grpc.health.v1.Health/Check", content);
        await grpc.Content.ReadAsByteArrayAsync();
        Assert.Equal("0", grpc.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Empty(grpc.Headers.Server);

        using var metrics = await new HttpClient().GetAsync($"http://127.0.0.1:{service.MetricsPort}/metrics");
        Assert.Empty(metrics.Headers.Server);
    }

    [Fact]
    public async Task Metrics_OnTheGrpcPort_AreNotServed()
    {
        // /metrics lives on its own HTTP/1.1 port; the gRPC port speaks HTTP/2 only.
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var response = await http.GetAsync($"http://127.0.0.1:{service.GrpcPort}/metrics");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void InvalidEndpoint_FailsAtStartWithAMessageNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ServiceFixture.BuildApp(new Dictionary<string, string?>
        {
            ["Endpoints:Grpc"] = "not-an-address",
            ["Redis:Endpoint"] = service.Redis.Endpoint,
        }));
        Assert.Contains("Endpoints:Grpc", ex.Message, StringComparison.Ordinal);
    }
}
