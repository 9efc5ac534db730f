using Google.Protobuf.Reflection;
using Scoring.Transport.Reflection.Internal;
using RefV1 = Grpc.Reflection.V1;
using RefV1Alpha = Grpc.Reflection.V1Alpha;

namespace Scoring.Transport.Reflection;

/// <summary>
/// gRPC server reflection (grpc/grpc doc/server-reflection.md; grpc.reflection.v1 and
/// v1alpha ServerReflectionInfo), answering from the descriptors compiled into the server.
/// File answers carry the file and its transitive imports as serialized
/// FileDescriptorProtos; like grpc-go, each import is sent at most once per stream, while
/// the file asked for is always sent.
/// </summary>
public sealed class ReflectionService
{
    /// <summary>The full service name of the v1 handler.</summary>
    public const string ServiceNameV1 = "grpc.reflection.v1.ServerReflection";

    /// <summary>The full service name of the v1alpha handler.</summary>
    public const string ServiceNameV1Alpha = "grpc.reflection.v1alpha.ServerReflection";

    private const int NotFound = (int)StatusCode.NotFound;

    private readonly DescriptorIndex _index;
    private readonly RefV1.ListServiceResponse _services;

    /// <param name="serviceNames">Full names of the services the server exposes (list_services answers these).</param>
    /// <param name="files">The files declaring them; their imports are found through the descriptors.</param>
    public ReflectionService(IEnumerable<string> serviceNames, IEnumerable<FileDescriptor> files)
    {
        ArgumentNullException.ThrowIfNull(serviceNames);
        ArgumentNullException.ThrowIfNull(files);
        _index = new DescriptorIndex(files);
        _services = new RefV1.ListServiceResponse();
        foreach (var name in serviceNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (!_index.IsService(name))
            {
                throw new ArgumentException(
                    $"Service '{name}' is not declared in any of the given files.", nameof(serviceNames));
            }

            _services.Service.Add(new RefV1.ServiceResponse { Name = name });
        }
    }

    /// <summary>Handles a grpc.reflection.v1 ServerReflectionInfo stream: one response per request, in order.</summary>
    public async Task HandleV1Async(
        IAsyncEnumerable<RefV1.ServerReflectionRequest> requests,
        Func<RefV1.ServerReflectionResponse, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(write);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var request in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await write(Answer(request, sent), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Handles a grpc.reflection.v1alpha ServerReflectionInfo stream.</summary>
    public async Task HandleV1AlphaAsync(
        IAsyncEnumerable<RefV1Alpha.ServerReflectionRequest> requests,
        Func<RefV1Alpha.ServerReflectionResponse, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(write);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var request in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var answer = Answer(V1AlphaMapping.ToV1(request), sent);
            await write(V1AlphaMapping.ToV1Alpha(answer, request), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The answer to one request; <paramref name="sent"/> holds the files already sent on this stream.</summary>
    internal RefV1.ServerReflectionResponse Answer(RefV1.ServerReflectionRequest request, HashSet<string> sent)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new RefV1.ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFileOrError(response, _index.FindFile(request.FileByFilename), sent,
                    $"File not found: {request.FileByFilename}");
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFileOrError(response, _index.FindSymbol(request.FileContainingSymbol), sent,
                    $"Symbol not found: {request.FileContainingSymbol}");
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFileOrError(response, _index.FindExtension(extension.ContainingType, extension.ExtensionNumber), sent,
                    $"Extension not found: {extension.ContainingType} number {extension.ExtensionNumber}");
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var typeName = request.AllExtensionNumbersOfType;
                if (_index.ExtensionNumbersOf(typeName) is { } numbers)
                {
                    response.AllExtensionNumbersResponse = new RefV1.ExtensionNumberResponse { BaseTypeName = typeName };
                    response.AllExtensionNumbersResponse.ExtensionNumber.Add(numbers);
                }
                else
                {
                    response.ErrorResponse = Error($"Type not found: {typeName}");
                }

                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                response.ListServicesResponse = _services.Clone();
                break;
            case RefV1.ServerReflectionRequest.MessageRequestOneofCase.None:
            default:
                // grpc-go ends the stream with INVALID_ARGUMENT here, not an ErrorResponse.
                throw new RpcException(StatusCode.InvalidArgument,
                    "ServerReflectionRequest.message_request is not set.");
        }

        return response;
    }

    private static void SetFileOrError(
        RefV1.ServerReflectionResponse response, FileDescriptor? file, HashSet<string> sent, string notFound)
    {
        if (file is null)
        {
            response.ErrorResponse = Error(notFound);
            return;
        }

        var files = new RefV1.FileDescriptorResponse();
        files.FileDescriptorProto.Add(file.SerializedData);
        sent.Add(file.Name);

        // Breadth-first over imports, each once per stream, so a client assembles its pool
        // from what it has already received.
        var seen = new HashSet<string>(StringComparer.Ordinal) { file.Name };
        var queue = new Queue<FileDescriptor>(file.Dependencies);
        while (queue.TryDequeue(out var dependency))
        {
            if (!seen.Add(dependency.Name))
            {
                continue;
            }

            if (sent.Add(dependency.Name))
            {
                files.FileDescriptorProto.Add(dependency.SerializedData);
            }

            foreach (var next in dependency.Dependencies)
            {
                queue.Enqueue(next);
            }
        }

        response.FileDescriptorResponse = files;
    }

    private static RefV1.ErrorResponse Error(string message) => new() { ErrorCode = NotFound, ErrorMessage = message };
}
