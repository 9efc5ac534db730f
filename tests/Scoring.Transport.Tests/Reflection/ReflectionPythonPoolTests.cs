using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using RefV1 = Grpc.Reflection.V1;

namespace Scoring.Transport.Tests.Reflection;

/// <summary>
/// An independent consumer: python's protobuf (C++ descriptor pool) builds a fresh pool
/// from only the files reflection returned, which fails on any missing import, then
/// resolves the Scoring service and a request message.
/// </summary>
public sealed class ReflectionPythonPoolTests
{
    private const string Script = """
        import json, sys
        from google.protobuf import descriptor_pb2, descriptor_pool
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(open(sys.argv[1], "rb").read())
        pool = descriptor_pool.DescriptorPool()
        pending, added = list(fds.file), set()
        while pending:
            ready = [f for f in pending if all(d in added for d in f.dependency)]
            if not ready:
                sys.exit("unresolved imports: " + ", ".join(f.name + " -> " + ",".join(f.dependency) for f in pending))
            for f in ready:
                pool.AddSerializedFile(f.SerializeToString())
                added.add(f.name)
                pending.remove(f)
        svc = pool.FindServiceByName("scoring.v1.Scoring")
        msg = pool.FindMessageTypeByName("scoring.v1.GetScoresRequest")
        print(json.dumps({
            "methods": [[m.name, m.input_type.full_name, m.output_type.full_name] for m in svc.methods],
            "fields": [[f.name, f.number, f.enum_type.full_name if f.enum_type else ""] for f in msg.fields],
        }))
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PythonDescriptorPool_FromReflectedFiles_ResolvesScoringMethodsAndRequestFields(bool alpha)
    {
        var response = Assert.Single(await ReflectionServiceTests.ExchangeAsync(alpha,
            new RefV1.ServerReflectionRequest { FileContainingSymbol = "scoring.v1.Scoring" }));
        var set = new FileDescriptorSet();
        set.File.Add(response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom));
        var path = Path.Combine(Path.GetTempPath(), $"reflection-{Guid.NewGuid():N}.pb");
        await File.WriteAllBytesAsync(path, set.ToByteArray());

        try
        {
            var output = await RunPythonAsync(path);
            using var json = JsonDocument.Parse(output);

            var expectedService = global::Scoring.V1.ScoringReflection.Descriptor.Services.Single(s => s.Name == "Scoring");
            Assert.Equal(
                expectedService.Methods.Select(m => $"{m.Name} {m.InputType.FullName} {m.OutputType.FullName}"),
                json.RootElement.GetProperty("methods").EnumerateArray()
                    .Select(m => string.Join(' ', m.EnumerateArray().Select(e => e.GetString()))));
            var expectedFields = global::Scoring.V1.GetScoresRequest.Descriptor.Fields.InDeclarationOrder();
            Assert.Equal(
                expectedFields.Select(f => $"{f.Name} {f.FieldNumber} {(f.FieldType == FieldType.Enum ? f.EnumType.FullName : "")}"),
                json.RootElement.GetProperty("fields").EnumerateArray()
                    .Select(f => $"{f[0].GetString()} {f[1].GetInt32()} {f[2].GetString()}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> RunPythonAsync(string descriptorSetPath)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(descriptorSetPath);
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await python.WaitForExitAsync(timeout.Token);
        Assert.True(python.ExitCode == 0, $"python exit {python.ExitCode}: {await stderr}");
        return await stdout;
    }
}
