using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Protocol.Tests;

/// <summary>grpc.health.v1 and grpc.reflection (v1 and v1alpha) of the real service, called by python grpcio.</summary>
[Collection(ServiceCollection.Name)]
public sealed class HealthReflectionGrpcioTests(ServiceFixture fixture)
{
    [Fact]
    public async Task HealthAndReflection_FromGrpcio_AnswerForScoringV1()
    {
        // A test before may have stalled Redis (DEBUG SLEEP): start from SERVING.
        await fixture.Service.WaitForStatusAsync("", ServingStatus.Serving);
        var r = await PythonClients.RunJsonAsync("health_reflection.py", [fixture.Service.GrpcTarget, "check"], await PythonClients.HealthEnvironmentAsync());

        Assert.Equal("SERVING", r.GetProperty("check:").GetString());
        Assert.Equal("SERVING", r.GetProperty("check:scoring.v1.Scoring").GetString());
        Assert.Equal("SERVING", r.GetProperty("check:scoring.v1.Ingest").GetString());
        Assert.Equal("NOT_FOUND", r.GetProperty("check_unknown").GetString());
        foreach (var version in new[] { "v1", "v1alpha" })
        {
            var v = r.GetProperty(version);
            Assert.False(v.TryGetProperty("code", out var code), $"{version}: {code}");
            var services = v.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToArray();
            Assert.Contains("scoring.v1.Scoring", services);
            Assert.Contains("scoring.v1.Ingest", services);
            Assert.Contains("grpc.health.v1.Health", services);
            Assert.Equal("scoring/v1/scoring.proto", v.GetProperty("method_file").GetString());
            Assert.Contains("scoring/v1/ingest.proto", v.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
            Assert.Equal(["GetScores", "BatchGetScores", "WatchRisk", "IngestEvents", "UpsertProfile"],
                v.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal("scoring.v1.GetScoresRequest", v.GetProperty("get_scores_input").GetString());
            Assert.True(v.GetProperty("watch_server_streaming").GetBoolean());
            Assert.True(v.GetProperty("ingest_client_streaming").GetBoolean());
            Assert.Equal(5, v.GetProperty("unknown_error").GetInt32()); // NOT_FOUND
        }
    }
}
