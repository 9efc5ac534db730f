using Microsoft.Extensions.Configuration;
using Scoring.Host.Infrastructure;

namespace Scoring.EndToEnd.Tests;

/// <summary>
/// Program's start-up switch for inline socket completions. The runtime reads the variable once,
/// at the first socket, so here only the decision is checked (this process has long opened sockets).
/// </summary>
public sealed class SocketCompletionsTests
{
    [Theory]
    [InlineData(null, "1", true)]
    [InlineData("true", "1", true)]
    [InlineData("false", "0", false)]
    public void Configure_WithoutTheVariable_SetsItFromEndpointsInlineSocketCompletions(string? setting, string variable, bool inline)
    {
        WithVariable(null, () =>
        {
            Assert.Equal(inline, SocketCompletions.Configure(Config(setting)));
            Assert.Equal(variable, Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        });
    }

    [Theory]
    [InlineData("0", "true", false)]
    [InlineData("1", "false", true)]
    public void Configure_WhenTheOperatorSetTheVariable_LeavesIt(string preset, string setting, bool inline)
    {
        WithVariable(preset, () =>
        {
            Assert.Equal(inline, SocketCompletions.Configure(Config(setting)));
            Assert.Equal(preset, Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        });
    }

    private static IConfiguration Config(string? setting) => new ConfigurationBuilder()
        .AddInMemoryCollection(setting is null ? [] : new Dictionary<string, string?> { ["Endpoints:InlineSocketCompletions"] = setting })
        .Build();

    private static void WithVariable(string? value, Action test)
    {
        var saved = Environment.GetEnvironmentVariable(SocketCompletions.Variable);
        Environment.SetEnvironmentVariable(SocketCompletions.Variable, value);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, saved);
        }
    }
}
