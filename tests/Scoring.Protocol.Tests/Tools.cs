using System.Diagnostics;

namespace Scoring.Protocol.Tests;

/// <summary>Runs an external tool (curl, promtool, h2load) to completion, bounded.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish: {await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>An HTTP/1.1 request with curl; the body and the status line's code and content type.</summary>
    public static async Task<(int Status, string ContentType, byte[] Body)> CurlAsync(string method, Uri url, string? contentType = null, byte[]? body = null, params string[] headers)
    {
        var output = Path.GetTempFileName();
        var input = body is null ? null : Path.GetTempFileName();
        try
        {
            var arguments = new List<string> { "-sS", "--http1.1", "-X", method, "-o", output, "-w", "%{http_code}\n%{content_type}", "--max-time", "30" };
            if (contentType is not null)
            {
                arguments.AddRange(["-H", "Content-Type: " + contentType]);
            }

            foreach (var header in headers)
            {
                arguments.AddRange(["-H", header]);
            }

            if (input is not null)
            {
                await File.WriteAllBytesAsync(input, body!);
                arguments.AddRange(["--data-binary", "@" + input]);
            }

            arguments.Add(url.ToString());
            var r = await RunAsync("/usr/bin/curl", arguments);
            Assert.True(r.ExitCode == 0, $"curl exit {r.ExitCode}: {r.Stderr}");
            var lines = r.Stdout.Split('\n');
            return (int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture), lines.Length > 1 ? lines[1] : "", await File.ReadAllBytesAsync(output));
        }
        finally
        {
            File.Delete(output);
            if (input is not null)
            {
                File.Delete(input);
            }
        }
    }
}
