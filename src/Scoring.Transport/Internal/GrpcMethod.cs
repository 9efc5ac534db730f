namespace Scoring.Transport.Internal;

internal enum GrpcMethodType
{
    Unary,
    ClientStreaming,
    ServerStreaming,
    DuplexStreaming,
}

/// <summary>A mapped method and its metric label sets, built once so recording allocates nothing.</summary>
internal sealed class GrpcMethod
{
    private readonly KeyValuePair<string, object?>[][] _handledTags = new KeyValuePair<string, object?>[17][];

    public GrpcMethod(string serviceName, string methodName, GrpcMethodType type)
    {
        ServiceName = serviceName;
        MethodName = methodName;
        Type = type;
        FullName = "/" + serviceName + "/" + methodName;
        var typeLabel = type switch
        {
            GrpcMethodType.Unary => "unary",
            GrpcMethodType.ClientStreaming => "client_stream",
            GrpcMethodType.ServerStreaming => "server_stream",
            _ => "bidi_stream",
        };
        StartedTags =
        [
            new("grpc_type", typeLabel),
            new("grpc_service", serviceName),
            new("grpc_method", methodName),
        ];
        for (var code = 0; code < _handledTags.Length; code++)
        {
            _handledTags[code] =
            [
                StartedTags[0],
                StartedTags[1],
                StartedTags[2],
                new("grpc_code", GrpcProtocol.CodeName((StatusCode)code)),
            ];
        }
    }

    public string ServiceName { get; }

    public string MethodName { get; }

    public string FullName { get; }

    public GrpcMethodType Type { get; }

    public KeyValuePair<string, object?>[] StartedTags { get; }

    public KeyValuePair<string, object?>[] HandledTags(StatusCode code) =>
        (uint)code < (uint)_handledTags.Length ? _handledTags[(int)code] : _handledTags[(int)StatusCode.Unknown];
}
