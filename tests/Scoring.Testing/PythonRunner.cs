using System.Diagnostics;

namespace Scoring.Testing;

/// <summary>
/// Runs scripts with Debian's /usr/bin/python3 (which has python3-grpcio and python3-protobuf),
/// never a pyenv shim, so tests use an independent gRPC implementation.
/// </summary>
public static class PythonRunner
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a script to completion; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        using var process = Start(script, arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(script)} did not finish within {timeout}. stderr: {await stderr}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(script)} exited with {process.ExitCode}.\nstdout: {await stdout}\nstderr: {await stderr}");
        }
        return await stdout;
    }

    /// <summary>Starts a long-running script (e.g. a server); the caller reads its output and kills it.</summary>
    public static Process Start(string script, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start " + Python);
    }

    /// <summary>Generates python message modules for the given protos into a new temp dir with protoc.</summary>
    public static async Task<string> GenerateProtosAsync(string protoRoot, params string[] protoFiles)
    {
        var output = Directory.CreateTempSubdirectory("pyproto-").FullName;
        var info = new ProcessStartInfo("protoc") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--proto_path=" + protoRoot);
        info.ArgumentList.Add("--python_out=" + output);
        foreach (var file in protoFiles)
        {
            info.ArgumentList.Add(file);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start protoc");
        var err = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("protoc failed: " + err);
        }
        return output;
    }
}
