using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scoring.Testing.V1;
using Scoring.Transport.Health;
using Scoring.Transport.Reflection;

namespace Scoring.Transport.Tests;

/// <summary>
/// The real server on real Kestrel: h2c, plain HTTP/1.1 (for the 426 check) and TLS
/// listeners on free loopback ports, serving the test Echo service.
/// </summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    public const int MaxReceive = 1024 * 1024;

    private WebApplication? _app;
    private TaskCompletionSource _cancelObserved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waitForCancelStarted;

    public Uri H2cAddress { get; private set; } = null!;

    public Uri Http1Address { get; private set; } = null!;

    public Uri TlsAddress { get; private set; } = null!;

    public HealthStatusRegistry Health => _app!.Services.GetRequiredService<HealthStatusRegistry>();

    public X509Certificate2 Certificate { get; } = CreateCertificate();

    public int IgnoreDeadlineCompleted;

    /// <summary>Completes when a WaitForCancel handler saw its token fire.</summary>
    public Task CancelObserved => _cancelObserved.Task;

    public void ResetCancelObserved() => _cancelObserved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcTransport(o =>
        {
            o.MaxReceiveMessageSize = MaxReceive;
            o.MaxSendMessageSize = MaxReceive;
            o.ResponseCompressionAlgorithm = "gzip";
        });
        builder.Services.AddGrpcHealth();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0));
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
            k.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0), Certificate);
        });
        _app = builder.Build();
        MapEcho(_app);
        _app.MapGrpcHealth();
        _app.MapGrpcReflection(TestEchoReflection.Descriptor, Grpc.Health.V1.HealthReflection.Descriptor);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        H2cAddress = new Uri(addresses[0]);
        Http1Address = new Uri(addresses[1]);
        TlsAddress = new Uri(addresses[2]);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private void MapEcho(WebApplication app)
    {
        app.MapGrpcService("scoring.testing.v1.Echo")
            .Unary<EchoRequest, EchoReply>("Unary", (request, context) =>
            {
                var encoding = context.HttpContext.Request.Headers["grpc-encoding"].ToString();
                return ValueTask.FromResult(new EchoReply
                {
                    Message = request.Message,
                    Payload = request.ReplyPayloadSize > 0
                        ? ByteString.CopyFrom(new byte[request.ReplyPayloadSize])
                        : request.Payload,
                    Headers = { ["request-encoding"] = encoding },
                });
            })
            .ClientStreaming<Number, SumReply>("Sum", async (requests, context) =>
            {
                var reply = new SumReply();
                await foreach (var n in requests.ReadAllAsync(context.CancellationToken))
                {
                    reply.Sum += n.Value;
                    reply.Count++;
                }
                return reply;
            })
            .ServerStreaming<CountRequest, Number>("Count", async (request, responses, context) =>
            {
                for (var i = 0; i < request.N; i++)
                {
                    if (request.DelayMs > 0)
                    {
                        await Task.Delay(request.DelayMs, context.CancellationToken);
                    }
                    await responses.WriteAsync(new Number { Value = i });
                }
            })
            .DuplexStreaming<EchoRequest, EchoReply>("Chat", async (requests, responses, context) =>
            {
                while (await requests.MoveNext(context.CancellationToken))
                {
                    await responses.WriteAsync(new EchoReply { Message = "echo:" + requests.Current.Message });
                }
            })
            // Only the dropped-connection test calls it, so its metrics are that test's alone.
            .Unary<EchoRequest, EchoReply>("Abandoned", (request, context) => ValueTask.FromResult(new EchoReply { Message = request.Message }))
            .Unary<EchoRequest, EchoReply>("WaitForCancelStarted", (request, context) =>
                ValueTask.FromResult(new EchoReply { Message = Volatile.Read(ref _waitForCancelStarted).ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .Unary<EchoRequest, EchoReply>("WaitForCancel", async (request, context) =>
            {
                // Counted so an out-of-process client can cancel once the call is really here.
                Interlocked.Increment(ref _waitForCancelStarted);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _cancelObserved.TrySetResult();
                    throw;
                }
                return new EchoReply();
            })
            .Unary<EchoRequest, EchoReply>("IgnoreDeadline", async (request, context) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
                Interlocked.Increment(ref IgnoreDeadlineCompleted);
                return new EchoReply { Message = "too late" };
            })
            .Unary<StatusRequest, EchoReply>("Fail", (request, context) => throw new RpcException(
                new Status((StatusCode)request.Code, request.Message),
                new Metadata().Add("x-failure", "yes")))
            .Unary<EchoRequest, EchoReply>("Throw", (request, context) =>
                throw new InvalidOperationException("secret internal detail"))
            .Unary<EchoRequest, EchoReply>("Metadata", async (request, context) =>
            {
                var reply = new EchoReply();
                foreach (var entry in context.RequestHeaders)
                {
                    reply.Headers[entry.Key] = entry.IsBinary ? Convert.ToHexString(entry.ValueBytes) : entry.Value;
                }
                await context.WriteResponseHeadersAsync(new Metadata().Add("x-header", "h").Add("x-header-bin", [1, 2, 3]));
                context.ResponseTrailers.Add("x-trailer", "t");
                context.ResponseTrailers.Add("x-trailer-bin", new byte[] { 0xff, 0x00 });
                return reply;
            });
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}

[CollectionDefinition(Name)]
public sealed class EchoServerCollection : ICollectionFixture<EchoServerFixture>
{
    public const string Name = "echo server";
}
