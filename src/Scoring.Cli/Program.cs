using System.CommandLine;

var root = new RootCommand("Scoring tools: synthetic population, model training, loading.");
return await root.Parse(args).InvokeAsync();
