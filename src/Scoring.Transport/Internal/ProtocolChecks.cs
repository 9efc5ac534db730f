using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Scoring.Transport.Internal;

/// <summary>Checks every gRPC request passes before a handler runs (GRPC.md items 2 and 3).</summary>
internal static class ProtocolChecks
{
    /// <summary>Content type first, then HTTP/2; on failure writes the error response and returns false.</summary>
    /// <remarks>
    /// "te: trailers" is not required (GRPC.md item 16), as in grpc-dotnet: some proxies drop
    /// it, and HTTP/2 carries trailers whether or not the client announced them.
    /// </remarks>
    public static bool Accept(HttpContext http)
    {
        var contentType = http.Request.ContentType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            Reject(http, StatusCodes.Status415UnsupportedMediaType, contentType is null
                ? "Content-Type is missing from the request."
                : $"Content-Type '{contentType}' is not supported.");
            return false;
        }
        if (!HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            http.Response.Headers[HeaderNames.Upgrade] = "HTTP/2";
            Reject(http, StatusCodes.Status426UpgradeRequired, $"Request protocol '{http.Request.Protocol}' is not supported.");
            return false;
        }
        return true;
    }

    private static void Reject(HttpContext http, int httpStatus, string message)
    {
        http.Response.StatusCode = httpStatus;
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.StatusHeader] = "13";
        http.Response.Headers[GrpcProtocol.MessageHeader] = GrpcProtocol.PercentEncode(message);
    }

    /// <summary>Trailers-only UNIMPLEMENTED for a path no mapped method serves (GRPC.md item 1).</summary>
    public static Task UnimplementedAsync(HttpContext http, GrpcServiceRegistry registry)
    {
        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        if (!Accept(http))
        {
            return Task.CompletedTask;
        }
        var path = http.Request.Path.Value ?? string.Empty;
        var slash = path.IndexOf('/', 1);
        var service = slash > 1 ? path[1..slash] : string.Empty;
        var known = registry.ContainsService(service);
        var start = GrpcServerMetrics.RecordStarted(registry.UnknownMethod);
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.StatusHeader] = "12";
        http.Response.Headers[GrpcProtocol.MessageHeader] = known ? "Method is unimplemented." : "Service is unimplemented.";
        GrpcServerMetrics.RecordHandled(registry.UnknownMethod, StatusCode.Unimplemented, start);
        return Task.CompletedTask;
    }
}
