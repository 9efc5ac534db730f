using Scoring.Cli.Population;

namespace Scoring.Cli.Tests.Population;

public sealed class PopulationOptionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_Defaults_HasNoErrors() => Assert.Empty(new PopulationOptions().Validate(Now));

    [Theory]
    [InlineData(0, 12, 0.0, 0.0, 3, "--customers")]
    [InlineData(10, 11, 0.0, 0.0, 3, "--months")]
    [InlineData(10, 25, 0.0, 0.0, 3, "--months")]
    [InlineData(10, 12, 0.6, 0.0, 3, "--duplicates")]
    [InlineData(10, 12, double.NaN, 0.0, 3, "--duplicates")]
    [InlineData(10, 12, 0.0, -0.1, 3, "--out-of-order")]
    [InlineData(10, 12, 0.0, 0.0, 0, "--max-lateness-days")]
    public void Validate_OutOfRangeValue_NamesTheOption(int customers, int months, double duplicates, double outOfOrder, int lateness, string option)
    {
        var options = new PopulationOptions { Customers = customers, Months = months, DuplicateFraction = duplicates, OutOfOrderFraction = outOfOrder, MaxLatenessDays = lateness };
        var error = Assert.Single(options.Validate(Now));
        Assert.StartsWith(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WindowEndingInTheFuture_NamesStart()
    {
        var options = new PopulationOptions { Start = new DateOnly(2026, 6, 1) };
        Assert.StartsWith("--start", Assert.Single(options.Validate(Now)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.5 })]
    [InlineData(new[] { 0.0, 0.0, 0.0, 0.0 })]
    [InlineData(new[] { 0.1, -0.1, 0.5, 0.5 })]
    public void Validate_BadTierShares_NamesTierShares(double[] shares)
    {
        var options = new PopulationOptions { TierShares = shares };
        Assert.StartsWith("--tier-shares", Assert.Single(options.Validate(Now)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.03,0.2,0.5,0.27", new[] { 0.03, 0.2, 0.5, 0.27 })]
    [InlineData(" 1, 2 ,3,4", new[] { 1.0, 2, 3, 4 })]
    public void ParseTierShares_WellFormed_ReturnsValues(string text, double[] expected)
    {
        Assert.Equal(expected, PopulationOptions.ParseTierShares(text, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("0.1,x,0.5,0.4")]
    [InlineData("")]
    public void ParseTierShares_Malformed_ReturnsErrorNamingTheOption(string text)
    {
        Assert.Null(PopulationOptions.ParseTierShares(text, out var error));
        Assert.StartsWith("--tier-shares", error, StringComparison.Ordinal);
    }
}
