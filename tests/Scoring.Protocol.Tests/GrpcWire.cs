using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Scoring.Protocol.Tests;

/// <summary>
/// gRPC on the wire, by hand: the 5-byte message prefix (compressed flag, big-endian length) of
/// the gRPC PROTOCOL-HTTP2 document, and POSTs with HTTP/2 prior knowledge over h2c.
/// </summary>
public sealed class GrpcWire(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    /// <summary>Length-Prefixed-Message: flag byte, 4-byte big-endian length, message.</summary>
    public static byte[] Frame(IMessage message, byte flag = 0) => Frame(message.ToByteArray(), flag);

    public static byte[] Frame(byte[] body, byte flag = 0)
    {
        var frame = new byte[5 + body.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Gzip(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return compressed.ToArray();
    }

    public static byte[] Gunzip(ReadOnlySpan<byte> data)
    {
        using var gunzip = new GZipStream(new MemoryStream(data.ToArray()), CompressionMode.Decompress);
        var output = new MemoryStream();
        gunzip.CopyTo(output);
        return output.ToArray();
    }

    public static ByteArrayContent Content(byte[] body, string contentType = "application/grpc")
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    public Task<RawResponse> PostAsync(string path, byte[] body, params (string Name, string Value)[] headers) =>
        PostAsync(path, Content(body), HttpVersion.Version20, headers);

    public async Task<RawResponse> PostAsync(string path, HttpContent content, Version version, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        if (version == HttpVersion.Version20)
        {
            // Required by the spec ("TE: trailers"); HttpClient does not add it.
            request.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new RawResponse((int)response.StatusCode, body, Copy(response.Headers), Copy(response.Content.Headers), Copy(response.TrailingHeaders));
    }

    private static Dictionary<string, string> Copy(HttpHeaders headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
}

/// <summary>One answer: HTTP status, body, and the headers of each part.</summary>
public sealed record RawResponse(
    int HttpStatus,
    byte[] Body,
    Dictionary<string, string> Headers,
    Dictionary<string, string> ContentHeaders,
    Dictionary<string, string> Trailers)
{
    /// <summary>From the trailers, or from the headers of a Trailers-Only response.</summary>
    public string? GrpcStatus => Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");

    public string? GrpcMessage => Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message");

    /// <summary>The single response message (after its 5-byte prefix).</summary>
    public T Message<T>(MessageParser<T> parser) where T : IMessage<T> => parser.ParseFrom(Body.AsSpan(5));

    public override string ToString() =>
        $"HTTP {HttpStatus}, grpc-status {GrpcStatus ?? "-"}, grpc-message '{GrpcMessage}', {Body.Length} body bytes";
}

/// <summary>Sends the body in small flushed chunks, so it arrives in many DATA frames.</summary>
public sealed class TrickleContent : HttpContent
{
    private readonly byte[] _body;
    private readonly int _chunk;

    public TrickleContent(byte[] body, int chunk)
    {
        _body = body;
        _chunk = chunk;
        Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < _body.Length; i += _chunk)
        {
            await stream.WriteAsync(_body.AsMemory(i, Math.Min(_chunk, _body.Length - i)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
