using System.Globalization;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>The `scoring` service commands run as a separate process against the running service.</summary>
[Collection(PopulationCollection.Name)]
public sealed class CliTests(PopulationFixture population)
{
    private string Target => $"http://127.0.0.1:{population.Service.GrpcPort}";

    [Fact]
    public async Task WaitHealthy_AgainstTheRunningService_ExitsZero()
    {
        var (code, output, error) = await CliRunner.RunAsync("wait-healthy", "--target", Target, "--timeout", "60");
        Assert.True(code == 0, output + error);
        Assert.Contains("SERVING", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitHealthy_WithNothingListening_GivesUpWithExitCodeOne()
    {
        var (code, _, error) = await CliRunner.RunAsync("wait-healthy", "--target", $"http://127.0.0.1:{TestPorts.GetFreeTcpPort()}", "--timeout", "1");
        Assert.Equal(1, code);
        Assert.Contains("not SERVING", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ThePopulationAgain_AppliesNothing()
    {
        var (code, output, error) = await CliRunner.RunAsync("load", "--target", Target, "--profiles", population.ProfilesFile, "--events", population.EventsFile, "--chunk", "1000");
        Assert.True(code == 0, output + error);
        var received = population.Events.Count.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"profiles: {population.Profiles.Count:N0} upserted (0 new)", output, StringComparison.Ordinal);
        // Re-delivered events are duplicates, or late when older than the newest event minus 7 days: either way nothing changes.
        Assert.Contains($"events: received {received}, applied 0, duplicate ", output, StringComparison.Ordinal);
        Assert.Contains(", invalid 0 in ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_APopulationCustomer_PrintsTheServiceAnswer()
    {
        var id = population.EventsByCustomer.OrderByDescending(p => p.Value.Count).First().Key;
        var answer = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.CallCentre });
        var (code, output, error) = await CliRunner.RunAsync("score", "--target", Target, "--customer", id, "--channel", "call-centre");
        Assert.True(code == 0, output + error);
        Assert.Contains($"customer {id}", output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"churn risk: {answer.Churn.Probability:P1}"), output, StringComparison.Ordinal);
        Assert.Contains("band " + answer.Churn.Band.ToString().ToUpperInvariant(), output, StringComparison.Ordinal);
        Assert.Contains("offers for CALL_CENTRE", output, StringComparison.Ordinal);
        foreach (var reason in answer.Churn.Reasons)
        {
            Assert.Contains(reason.Code, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("nobody-at-all", "mobile-app", 1, "NotFound")]
    [InlineData("c1", "fax", 2, "--channel")]
    public async Task Score_WithAnUnknownCustomerOrChannel_FailsWithAClearMessage(string id, string channel, int exitCode, string message)
    {
        var (code, _, error) = await CliRunner.RunAsync("score", "--target", Target, "--customer", id, "--channel", channel);
        Assert.Equal(exitCode, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
