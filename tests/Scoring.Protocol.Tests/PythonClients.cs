using System.Text.Json;
using Scoring.Testing;

namespace Scoring.Protocol.Tests;

/// <summary>python grpcio scripts and the protoc-generated modules they import, generated once per run.</summary>
internal static class PythonClients
{
    private static readonly string ProtoRoot = Path.Combine(AppContext.BaseDirectory, "Protos");

    // scoring/v1 imports google/api/annotations.proto (google.api.http), which imports http.proto.
    private static readonly Lazy<Task<string>> Scoring = new(() => PythonRunner.GenerateProtosAsync(ProtoRoot,
        "google/api/annotations.proto", "google/api/http.proto",
        "scoring/v1/common.proto", "scoring/v1/events.proto", "scoring/v1/ingest.proto", "scoring/v1/scoring.proto"));

    private static readonly Lazy<Task<string>> HealthReflection = new(() => PythonRunner.GenerateProtosAsync(ProtoRoot,
        "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto"));

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Python", name);

    public static async Task<Dictionary<string, string>> ScoringEnvironmentAsync() =>
        new() { ["PYTHONPATH"] = await Scoring.Value };

    public static async Task<Dictionary<string, string>> HealthEnvironmentAsync() =>
        new() { ["GEN_DIR"] = await HealthReflection.Value };

    public static async Task<JsonElement> RunJsonAsync(string script, string[] arguments, Dictionary<string, string> environment)
    {
        var output = await PythonRunner.RunAsync(Script(script), arguments, TimeSpan.FromMinutes(2), environment);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
