using Scoring.Cli.Commands;
using Scoring.Cli.Population;

namespace Scoring.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task Generate_ValidArguments_WritesTheThreeFiles()
    {
        using var dir = new TempDirectory();
        var exit = await CliApp.Build().Parse(["generate", "--customers", "50", "--seed", "3", "--out", dir.Path]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Equal(50, PopulationReader.ReadProfiles(dir.File(PopulationWriter.ProfilesFile)).Count());
        Assert.NotEmpty(PopulationReader.ReadEvents(dir.File(PopulationWriter.EventsFile)));
        Assert.Equal(51, File.ReadAllLines(dir.File(PopulationWriter.TruthFile)).Length);
    }

    [Theory]
    [InlineData("--customers", "0")]
    [InlineData("--months", "30")]
    [InlineData("--start", "2024-13-01")]
    [InlineData("--tier-shares", "1,2")]
    public async Task Generate_InvalidOption_FailsWithoutWritingFiles(string option, string value)
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "out");
        var exit = await CliApp.Build().Parse(["generate", option, value, "--out", output]).InvokeAsync();

        Assert.NotEqual(0, exit);
        Assert.False(Directory.Exists(output));
    }
}
