using Scoring.Cli.Commands;

return await CliApp.Build().Parse(args).InvokeAsync();
