using System.Diagnostics;

namespace Scoring.EndToEnd.Tests;

/// <summary>Runs the `scoring` CLI as its own process, from its own build output.</summary>
internal static class CliRunner
{
    /// <summary>
    /// src/Scoring.Cli/bin/{configuration}/{tfm}/scoring.dll. Not the copy beside the tests: the
    /// CLI's deps.json describes its own output folder (e.g. an app-local
    /// Microsoft.Extensions.Logging.Abstractions that the test folder takes from the shared
    /// framework instead), so the copy fails to load it.
    /// </summary>
    private static readonly Lazy<string> CliPath = new(() =>
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = tfm.Parent!;
        for (var dir = configuration.Parent; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scoring.sln")))
            {
                return Path.Combine(dir.FullName, "src", "Scoring.Cli", "bin", configuration.Name, tfm.Name, "scoring.dll");
            }
        }

        throw new InvalidOperationException("Scoring.sln not found above " + AppContext.BaseDirectory);
    });

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath.Value);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
