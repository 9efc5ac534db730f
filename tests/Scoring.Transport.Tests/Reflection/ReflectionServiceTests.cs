using Google.Protobuf;
using Google.Protobuf.Reflection;
using Scoring.Transport.Reflection;
using RefV1 = Grpc.Reflection.V1;
using RefV1Alpha = Grpc.Reflection.V1Alpha;

namespace Scoring.Transport.Tests.Reflection;

/// <summary>
/// Every request kind, through both protocol versions. The v1alpha path converts requests
/// and responses through their wire bytes (the two versions are wire-identical), which
/// checks the service's own field-by-field mapping independently.
/// </summary>
public sealed class ReflectionServiceTests
{
    internal static readonly string[] Services =
    [
        "scoring.v1.Scoring", "scoring.v1.Ingest", "scoring.v1.ModelAdmin", "grpc.health.v1.Health",
        ReflectionService.ServiceNameV1, ReflectionService.ServiceNameV1Alpha,
    ];

    internal static ReflectionService NewService() => new(Services,
    [
        global::Scoring.V1.ScoringReflection.Descriptor,
        global::Scoring.V1.IngestReflection.Descriptor,
        global::Scoring.V1.ModelAdminReflection.Descriptor,
        Grpc.Health.V1.HealthReflection.Descriptor,
        RefV1.ReflectionReflection.Descriptor,
        RefV1Alpha.ReflectionReflection.Descriptor,
    ]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListServices_AnyVersion_ListsEveryServiceSortedWithHostAndOriginalRequest(bool alpha)
    {
        var request = new RefV1.ServerReflectionRequest { Host = "scoring.bank.test", ListServices = "*" };

        var response = Assert.Single(await ExchangeAsync(alpha, request));

        Assert.Equal(Services.Order(StringComparer.Ordinal), response.ListServicesResponse.Service.Select(s => s.Name));
        Assert.Equal("scoring.bank.test", response.ValidHost);
        Assert.Equal(request, response.OriginalRequest);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FileByFilename_KnownFile_ReturnsItFirstThenTransitiveImports(bool alpha)
    {
        var request = new RefV1.ServerReflectionRequest { FileByFilename = "scoring/v1/scoring.proto" };

        var files = FileNames(Assert.Single(await ExchangeAsync(alpha, request)));

        Assert.Equal("scoring/v1/scoring.proto", files[0]);
        Assert.Equal(
            ["google/protobuf/duration.proto", "google/protobuf/timestamp.proto", "scoring/v1/common.proto"],
            files.Skip(1).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false, "scoring.v1.Scoring", "scoring/v1/scoring.proto")]
    [InlineData(true, "scoring.v1.Scoring", "scoring/v1/scoring.proto")]
    [InlineData(false, "scoring.v1.Scoring.GetScores", "scoring/v1/scoring.proto")]
    [InlineData(true, "scoring.v1.Ingest.IngestEvents", "scoring/v1/ingest.proto")]
    [InlineData(false, "scoring.v1.GetScoresRequest", "scoring/v1/scoring.proto")]
    [InlineData(false, "scoring.v1.GetScoresRequest.customer_id", "scoring/v1/scoring.proto")]
    [InlineData(false, "scoring.v1.Event", "scoring/v1/events.proto")]
    [InlineData(false, "scoring.v1.Channel", "scoring/v1/common.proto")]
    [InlineData(false, "scoring.v1.CHANNEL_UNSPECIFIED", "scoring/v1/common.proto")]
    [InlineData(true, "grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    [InlineData(false, "grpc.health.v1.HealthCheckResponse.SERVICE_UNKNOWN", "grpc/health/v1/health.proto")]
    [InlineData(false, "google.protobuf.Timestamp", "google/protobuf/timestamp.proto")]
    [InlineData(true, "grpc.reflection.v1alpha.ServerReflection", "grpc/reflection/v1alpha/reflection.proto")]
    public async Task FileContainingSymbol_KnownSymbol_ReturnsTheDeclaringFileFirst(bool alpha, string symbol, string file)
    {
        var request = new RefV1.ServerReflectionRequest { FileContainingSymbol = symbol };

        var files = FileNames(Assert.Single(await ExchangeAsync(alpha, request)));

        Assert.Equal(file, files[0]);
    }

    [Theory]
    [InlineData(false, "scoring.v1.NoSuchThing")]
    [InlineData(true, "scoring.v1.Scoring.NoSuchMethod")]
    [InlineData(false, "")]
    public async Task FileContainingSymbol_UnknownSymbol_ReturnsNotFoundNamingIt(bool alpha, string symbol)
    {
        var request = new RefV1.ServerReflectionRequest { FileContainingSymbol = symbol };

        var response = Assert.Single(await ExchangeAsync(alpha, request));

        Assert.Equal(5, response.ErrorResponse.ErrorCode);
        Assert.Equal($"Symbol not found: {symbol}", response.ErrorResponse.ErrorMessage);
        Assert.Equal(request, response.OriginalRequest);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FileByFilename_UnknownFile_ReturnsNotFoundNamingIt(bool alpha)
    {
        var response = Assert.Single(await ExchangeAsync(alpha,
            new RefV1.ServerReflectionRequest { FileByFilename = "scoring/v1/missing.proto" }));

        Assert.Equal(5, response.ErrorResponse.ErrorCode);
        Assert.Contains("scoring/v1/missing.proto", response.ErrorResponse.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FileContainingExtension_NoSuchExtension_ReturnsNotFound(bool alpha)
    {
        var request = new RefV1.ServerReflectionRequest
        {
            FileContainingExtension = new RefV1.ExtensionRequest { ContainingType = "scoring.v1.GetScoresRequest", ExtensionNumber = 100 },
        };

        var response = Assert.Single(await ExchangeAsync(alpha, request));

        Assert.Equal(5, response.ErrorResponse.ErrorCode);
        Assert.Contains("scoring.v1.GetScoresRequest", response.ErrorResponse.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AllExtensionNumbersOfType_KnownTypeWithoutExtensions_ReturnsEmptyList(bool alpha)
    {
        var request = new RefV1.ServerReflectionRequest { AllExtensionNumbersOfType = "scoring.v1.GetScoresRequest" };

        var response = Assert.Single(await ExchangeAsync(alpha, request));

        Assert.Equal(RefV1.ServerReflectionResponse.MessageResponseOneofCase.AllExtensionNumbersResponse, response.MessageResponseCase);
        Assert.Equal("scoring.v1.GetScoresRequest", response.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(response.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AllExtensionNumbersOfType_UnknownType_ReturnsNotFound(bool alpha)
    {
        var response = Assert.Single(await ExchangeAsync(alpha,
            new RefV1.ServerReflectionRequest { AllExtensionNumbersOfType = "scoring.v1.Nope" }));

        Assert.Equal(5, response.ErrorResponse.ErrorCode);
        Assert.Equal("Type not found: scoring.v1.Nope", response.ErrorResponse.ErrorMessage);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_SecondRequestSharingImports_SendsEachImportOnceButTheRequestedFileAlways(bool alpha)
    {
        var responses = await ExchangeAsync(alpha,
            new RefV1.ServerReflectionRequest { FileContainingSymbol = "scoring.v1.Scoring" },
            new RefV1.ServerReflectionRequest { FileContainingSymbol = "scoring.v1.Ingest" },
            new RefV1.ServerReflectionRequest { FileByFilename = "scoring/v1/common.proto" });

        var first = FileNames(responses[0]);
        var second = FileNames(responses[1]);
        Assert.Contains("scoring/v1/common.proto", first);
        Assert.Contains("google/protobuf/timestamp.proto", first);
        Assert.Equal(["scoring/v1/ingest.proto", "scoring/v1/events.proto"], second);
        Assert.Equal(["scoring/v1/common.proto"], FileNames(responses[2]));
    }

    [Fact]
    public async Task FileContainingSymbol_ReturnedBytes_ParseAsTheCompiledDescriptors()
    {
        var response = Assert.Single(await ExchangeAsync(false,
            new RefV1.ServerReflectionRequest { FileContainingSymbol = "scoring.v1.GetScoresRequest" }));

        var proto = FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]);

        Assert.Equal("scoring.v1", proto.Package);
        Assert.Equal(["GetScores", "BatchGetScores", "WatchRisk"], proto.Service.Single(s => s.Name == "Scoring").Method.Select(m => m.Name));
        Assert.Equal(global::Scoring.V1.ScoringReflection.Descriptor.SerializedData, response.FileDescriptorResponse.FileDescriptorProto[0]);
    }

    [Fact]
    public async Task HandleV1Async_RequestWithoutKind_FailsWithInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ExchangeAsync(false, new RefV1.ServerReflectionRequest()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public void Constructor_ServiceNotInFiles_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReflectionService(
            ["scoring.v1.Missing"], [global::Scoring.V1.ScoringReflection.Descriptor]));

        Assert.Equal("serviceNames", error.ParamName);
        Assert.Contains("scoring.v1.Missing", error.Message, StringComparison.Ordinal);
    }

    internal static List<string> FileNames(RefV1.ServerReflectionResponse response)
    {
        Assert.Equal(RefV1.ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        return [.. response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name)];
    }

    /// <summary>Runs one stream with these requests and returns the responses (as v1 for either version).</summary>
    internal static async Task<List<RefV1.ServerReflectionResponse>> ExchangeAsync(
        bool alpha, params RefV1.ServerReflectionRequest[] requests)
    {
        var service = NewService();
        var responses = new List<RefV1.ServerReflectionResponse>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (alpha)
        {
            await service.HandleV1AlphaAsync(
                Stream(requests.Select(r => RefV1Alpha.ServerReflectionRequest.Parser.ParseFrom(r.ToByteString()))),
                (response, _) =>
                {
                    responses.Add(RefV1.ServerReflectionResponse.Parser.ParseFrom(response.ToByteString()));
                    return Task.CompletedTask;
                },
                timeout.Token);
        }
        else
        {
            await service.HandleV1Async(Stream(requests), (response, _) =>
            {
                responses.Add(response);
                return Task.CompletedTask;
            }, timeout.Token);
        }

        Assert.Equal(requests.Length, responses.Count);
        return responses;
    }

    private static async IAsyncEnumerable<T> Stream<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
