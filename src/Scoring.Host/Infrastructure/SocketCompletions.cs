namespace Scoring.Host.Infrastructure;

/// <summary>
/// Where socket completions run. By default .NET on Linux hands every epoll completion to the
/// thread pool; inline, the event thread runs it. Kestrel and our Redis client only move bytes
/// there (their own continuations still go to the pool), so inline saves one pool hand-off per
/// receive. Measured on GetScores at 64 streams on 2 cores: less CPU per call and a lower p99
/// in four alternating pairs (load-tests/RESULTS.md, "serving: what each change ... bought").
/// </summary>
internal static class SocketCompletions
{
    /// <summary>The runtime's switch; it reads the environment variable once, at the first socket.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Applies <see cref="Configuration.EndpointsOptions.InlineSocketCompletions"/> unless the
    /// variable is already set (an operator's explicit choice wins). Call before anything opens a
    /// socket; returns the value in force.
    /// </summary>
    public static bool Configure(IConfiguration configuration)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { } explicitChoice)
        {
            return explicitChoice == "1";
        }

        var inline = configuration.GetValue($"{Configuration.EndpointsOptions.Section}:{nameof(Configuration.EndpointsOptions.InlineSocketCompletions)}", true);
        Environment.SetEnvironmentVariable(Variable, inline ? "1" : "0");
        return inline;
    }
}
