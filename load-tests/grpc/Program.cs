using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Two HTTP/2 endpoints on one Kestrel, same process, same machine:
//   grpc port: /grpc.health.v1.Health/Check through Grpc.AspNetCore
//   bare port: the same path answered by a plain Kestrel handler with the same bytes
// plus GET /stats on an HTTP/1.1 port: allocated bytes and requests so far.
var grpcPort = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var barePort = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var statsPort = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddGrpc();
builder.WebHost.ConfigureKestrel(k =>
{
    // h2c: HTTP/2 only, no TLS ("Configure Kestrel" in https://learn.microsoft.com/aspnet/core/grpc/aspnetcore).
    k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
    k.Listen(IPAddress.Loopback, barePort, l => l.Protocols = HttpProtocols.Http2);
    k.Listen(IPAddress.Loopback, statsPort, l => l.Protocols = HttpProtocols.Http1);
});
var app = builder.Build();

var replyBytes = FixedHealthService.Reply.ToByteArray();
var framed = new byte[5 + replyBytes.Length];
BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)replyBytes.Length);
replyBytes.CopyTo(framed, 5);
long requests = 0;

app.Use(async (context, next) =>
{
    Interlocked.Increment(ref requests);
    await next(context);
});
app.MapGrpcService<FixedHealthService>();
app.MapPost("/bare/grpc.health.v1.Health/Check", async context =>
{
    // Read the whole request, as the gRPC path must, then answer with the same fixed bytes.
    var reader = context.Request.BodyReader;
    while (true)
    {
        var result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.End);
        if (result.IsCompleted)
        {
            break;
        }
    }
    context.Response.ContentType = "application/grpc";
    await context.Response.BodyWriter.WriteAsync(framed);
    context.Response.AppendTrailer("grpc-status", "0");
});
app.MapGet("/stats", () => $"{GC.GetTotalAllocatedBytes(precise: true)} {Interlocked.Read(ref requests)}");
await app.RunAsync();

/// <summary>grpc.health.v1.Health/Check answering SERVING with one shared, completed task: the call's cost is the framework's.</summary>
internal sealed class FixedHealthService : Health.HealthBase
{
    public static readonly HealthCheckResponse Reply = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };

    private static readonly Task<HealthCheckResponse> ReplyTask = Task.FromResult(Reply);

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) => ReplyTask;
}
