using Scoring.Testing;

namespace Scoring.Transport.Tests;

/// <summary>Python modules for the test proto, generated once per test run with protoc.</summary>
internal static class PythonProtos
{
    private static readonly Lazy<Task<string>> Generated = new(() =>
        PythonRunner.GenerateProtosAsync(Path.Combine(AppContext.BaseDirectory, "Protos"), "test_echo.proto"));

    public static Task<string> DirectoryAsync() => Generated.Value;

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Python", name);

    public static async Task<Dictionary<string, string>> EnvironmentAsync() =>
        new() { ["PYTHONPATH"] = await DirectoryAsync() };
}
