using RefV1 = Grpc.Reflection.V1;
using RefV1Alpha = Grpc.Reflection.V1Alpha;

namespace Scoring.Transport.Reflection.Internal;

/// <summary>
/// grpc.reflection.v1alpha is field-for-field the same protocol as v1 (v1 was published as
/// a copy); the service answers v1 and maps the older messages across, as grpc-go does.
/// </summary>
internal static class V1AlphaMapping
{
    public static RefV1.ServerReflectionRequest ToV1(RefV1Alpha.ServerReflectionRequest request)
    {
        var result = new RefV1.ServerReflectionRequest { Host = request.Host };
        switch (request.MessageRequestCase)
        {
            case RefV1Alpha.ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                result.FileByFilename = request.FileByFilename;
                break;
            case RefV1Alpha.ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                result.FileContainingSymbol = request.FileContainingSymbol;
                break;
            case RefV1Alpha.ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                result.FileContainingExtension = new RefV1.ExtensionRequest
                {
                    ContainingType = request.FileContainingExtension.ContainingType,
                    ExtensionNumber = request.FileContainingExtension.ExtensionNumber,
                };
                break;
            case RefV1Alpha.ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                result.AllExtensionNumbersOfType = request.AllExtensionNumbersOfType;
                break;
            case RefV1Alpha.ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                result.ListServices = request.ListServices;
                break;
            case RefV1Alpha.ServerReflectionRequest.MessageRequestOneofCase.None:
            default:
                break;
        }

        return result;
    }

    public static RefV1Alpha.ServerReflectionResponse ToV1Alpha(
        RefV1.ServerReflectionResponse response, RefV1Alpha.ServerReflectionRequest originalRequest)
    {
        var result = new RefV1Alpha.ServerReflectionResponse
        {
            ValidHost = response.ValidHost,
            OriginalRequest = originalRequest,
        };
        switch (response.MessageResponseCase)
        {
            case RefV1.ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse:
                result.FileDescriptorResponse = new RefV1Alpha.FileDescriptorResponse();
                result.FileDescriptorResponse.FileDescriptorProto.Add(response.FileDescriptorResponse.FileDescriptorProto);
                break;
            case RefV1.ServerReflectionResponse.MessageResponseOneofCase.AllExtensionNumbersResponse:
                result.AllExtensionNumbersResponse = new RefV1Alpha.ExtensionNumberResponse
                {
                    BaseTypeName = response.AllExtensionNumbersResponse.BaseTypeName,
                };
                result.AllExtensionNumbersResponse.ExtensionNumber.Add(response.AllExtensionNumbersResponse.ExtensionNumber);
                break;
            case RefV1.ServerReflectionResponse.MessageResponseOneofCase.ListServicesResponse:
                result.ListServicesResponse = new RefV1Alpha.ListServiceResponse();
                result.ListServicesResponse.Service.Add(
                    response.ListServicesResponse.Service.Select(s => new RefV1Alpha.ServiceResponse { Name = s.Name }));
                break;
            case RefV1.ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse:
                result.ErrorResponse = new RefV1Alpha.ErrorResponse
                {
                    ErrorCode = response.ErrorResponse.ErrorCode,
                    ErrorMessage = response.ErrorResponse.ErrorMessage,
                };
                break;
            case RefV1.ServerReflectionResponse.MessageResponseOneofCase.None:
            default:
                break;
        }

        return result;
    }
}
