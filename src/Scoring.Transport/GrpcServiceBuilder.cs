using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scoring.Transport.Internal;

namespace Scoring.Transport;

/// <summary>Maps the methods of one gRPC service; each handler is a plain async method.</summary>
public sealed class GrpcServiceBuilder
{
    private readonly IEndpointRouteBuilder _endpoints;
    private readonly GrpcServiceRegistry _registry;

    internal GrpcServiceBuilder(IEndpointRouteBuilder endpoints, string serviceName)
    {
        _endpoints = endpoints;
        ServiceName = serviceName;
        _registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
    }

    public string ServiceName { get; }

    public GrpcServiceBuilder Unary<TRequest, TResponse>(string method, Func<TRequest, ServerCallContext, ValueTask<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Map<TRequest, TResponse>(method, GrpcMethodType.Unary, handler);

    public GrpcServiceBuilder ClientStreaming<TRequest, TResponse>(string method, Func<IAsyncStreamReader<TRequest>, ServerCallContext, ValueTask<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Map<TRequest, TResponse>(method, GrpcMethodType.ClientStreaming, handler);

    public GrpcServiceBuilder ServerStreaming<TRequest, TResponse>(string method, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Map<TRequest, TResponse>(method, GrpcMethodType.ServerStreaming, handler);

    public GrpcServiceBuilder DuplexStreaming<TRequest, TResponse>(string method, Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Map<TRequest, TResponse>(method, GrpcMethodType.DuplexStreaming, handler);

    private GrpcServiceBuilder Map<TRequest, TResponse>(string method, GrpcMethodType type, Delegate handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(ServiceName, method);
        var services = _endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<GrpcServerOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Scoring.Transport.Grpc");
        var grpcMethod = new GrpcMethod(ServiceName, method, type);
        var callHandler = new ServerMethodHandler<TRequest, TResponse>(grpcMethod, handler, options, logger);
        // Any verb: a non-POST to a gRPC path is still answered by the protocol checks.
        _endpoints.Map(grpcMethod.FullName, callHandler.HandleAsync).WithDisplayName("gRPC " + grpcMethod.FullName);
        return this;
    }
}
