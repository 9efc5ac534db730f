using System.CommandLine;
using Scoring.Cli.Commands;

var root = new RootCommand("Scoring tools: synthetic population, model training, loading.")
{
    GenerateCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
