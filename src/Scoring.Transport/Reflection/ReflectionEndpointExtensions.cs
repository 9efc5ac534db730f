using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RefV1 = Grpc.Reflection.V1;
using RefV1Alpha = Grpc.Reflection.V1Alpha;

namespace Scoring.Transport.Reflection;

public static class ReflectionEndpointExtensions
{
    /// <summary>
    /// Serves grpc.reflection.v1 and v1alpha for every service mapped on this server. The
    /// service list is read at the first reflection call, so map this before or after the
    /// others; <paramref name="files"/> must declare every mapped service.
    /// </summary>
    public static IEndpointRouteBuilder MapGrpcReflection(this IEndpointRouteBuilder endpoints, params FileDescriptor[] files)
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        var all = files.Concat([RefV1.ReflectionReflection.Descriptor, RefV1Alpha.ReflectionReflection.Descriptor]).Distinct().ToArray();
        var service = new Lazy<ReflectionService>(() => new ReflectionService(registry.ServiceNames, all), LazyThreadSafetyMode.ExecutionAndPublication);
        endpoints.MapGrpcService(ReflectionService.ServiceNameV1)
            .DuplexStreaming<RefV1.ServerReflectionRequest, RefV1.ServerReflectionResponse>("ServerReflectionInfo",
                (requests, responses, context) => service.Value.HandleV1Async(requests.ReadAllAsync(context.CancellationToken), (r, ct) => responses.WriteAsync(r, ct), context.CancellationToken));
        endpoints.MapGrpcService(ReflectionService.ServiceNameV1Alpha)
            .DuplexStreaming<RefV1Alpha.ServerReflectionRequest, RefV1Alpha.ServerReflectionResponse>("ServerReflectionInfo",
                (requests, responses, context) => service.Value.HandleV1AlphaAsync(requests.ReadAllAsync(context.CancellationToken), (r, ct) => responses.WriteAsync(r, ct), context.CancellationToken));
        return endpoints;
    }
}
