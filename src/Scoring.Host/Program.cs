using Scoring.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddScoring();

var app = builder.Build();
app.MapScoring();

await app.RunAsync();

/// <summary>The service entry point; public so end-to-end tests can start it in-process.</summary>
public partial class Program;
