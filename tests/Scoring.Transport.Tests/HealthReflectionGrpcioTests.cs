using System.Text.Json;
using Grpc.Health.V1;
using Scoring.Testing;

namespace Scoring.Transport.Tests;

/// <summary>Health and reflection served over the wire, called by python grpcio.</summary>
[Collection(EchoServerCollection.Name)]
public sealed class HealthReflectionGrpcioTests(EchoServerFixture server)
{
    private static readonly Lazy<Task<Dictionary<string, string>>> Environment = new(async () =>
    {
        var dir = await PythonRunner.GenerateProtosAsync(Path.Combine(AppContext.BaseDirectory, "Protos"),
            "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto");
        return new Dictionary<string, string> { ["GEN_DIR"] = dir, ["PYTHONPATH"] = await PythonProtos.DirectoryAsync() };
    });

    private string Target => $"{server.H2cAddress.Host}:{server.H2cAddress.Port}";

    [Fact]
    public async Task HealthAndReflection_FromGrpcio_AnswerAsSpecified()
    {
        server.Health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        var output = await PythonRunner.RunAsync(PythonProtos.Script("health_reflection.py"), [Target, "check"], TimeSpan.FromMinutes(1), await Environment.Value);
        var r = JsonDocument.Parse(output).RootElement;
        Assert.Equal("SERVING", r.GetProperty("check_server").GetString());
        Assert.Equal("NOT_FOUND", r.GetProperty("check_unknown").GetString());
        foreach (var version in new[] { "v1", "v1alpha" })
        {
            var v = r.GetProperty(version);
            var services = v.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToArray();
            Assert.Contains("scoring.testing.v1.Echo", services);
            Assert.Contains("grpc.health.v1.Health", services);
            Assert.Contains("grpc.reflection.v1.ServerReflection", services);
            Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
            Assert.Contains("Protos/test_echo.proto", v.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
            Assert.Contains("Chat", v.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal("scoring.testing.v1.EchoRequest", v.GetProperty("unary_input").GetString());
            Assert.Equal(5, v.GetProperty("unknown_error").GetInt32());
        }
    }

    [Fact]
    public async Task HealthWatch_FromGrpcio_SeesStatusChanges()
    {
        const string service = "scoring.testing.v1.Echo";
        server.Health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
        using var python = PythonRunner.Start(PythonProtos.Script("health_reflection.py"), [Target, "watch", service], await Environment.Value);
        try
        {
            Assert.Equal("SERVING", await python.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            server.Health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.NotServing);
            Assert.Equal("NOT_SERVING", await python.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            server.Health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
            Assert.Equal("SERVING", await python.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            python.Kill(entireProcessTree: true);
        }
    }
}
