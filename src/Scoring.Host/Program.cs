using Scoring.Host;
using Scoring.Host.Infrastructure;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json ships beside the binary: found whatever directory the service starts in.
    ContentRootPath = AppContext.BaseDirectory,
});

// Before anything opens a socket: the runtime reads this switch once.
SocketCompletions.Configure(builder.Configuration);
builder.AddScoring();

var app = builder.Build();
app.MapScoring();

await app.RunAsync();

/// <summary>The service entry point; public so end-to-end tests can start it in-process.</summary>
public partial class Program;
