using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scoring.Transport;

// Two HTTP/2 endpoints on one Kestrel, same process, same machine:
//   grpc port: /grpc.health.v1.Health/Check through our gRPC layer
//   bare port: the same path answered by a plain Kestrel handler with the same bytes
// plus GET /stats on an HTTP/1.1 port: allocated bytes and requests so far.
var grpcPort = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var barePort = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var statsPort = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddGrpcTransport();
builder.WebHost.ConfigureKestrel(k =>
{
    k.ListenGrpc(new IPEndPoint(IPAddress.Loopback, grpcPort));
    k.Listen(IPAddress.Loopback, barePort, l => l.Protocols = HttpProtocols.Http2);
    k.Listen(IPAddress.Loopback, statsPort, l => l.Protocols = HttpProtocols.Http1);
});
var app = builder.Build();

var reply = new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving };
var replyTask = ValueTask.FromResult(reply);
var replyBytes = reply.ToByteArray();
var framed = new byte[5 + replyBytes.Length];
BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)replyBytes.Length);
replyBytes.CopyTo(framed, 5);
long requests = 0;

app.Use(async (context, next) =>
{
    Interlocked.Increment(ref requests);
    await next(context);
});
app.MapGrpcService("grpc.health.v1.Health")
    .Unary<HealthCheckRequest, HealthCheckResponse>("Check", (request, context) => replyTask);
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
