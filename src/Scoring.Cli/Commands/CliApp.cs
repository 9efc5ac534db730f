using System.CommandLine;

namespace Scoring.Cli.Commands;

/// <summary>The `scoring` command tree (Program.cs only runs it; tests invoke it directly).</summary>
internal static class CliApp
{
    public static RootCommand Build() => new("Scoring tools: synthetic population, model training, loading.")
    {
        GenerateCommand.Create(),
        TrainCommand.Create(),
        ServiceCommands.WaitHealthy(), ServiceCommands.Load(), ServiceCommands.Score(),
    };
}
