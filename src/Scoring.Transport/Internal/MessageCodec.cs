using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Scoring.Transport.Internal;

/// <summary>Length-prefixed message framing shared by the server and the client.</summary>
internal static class MessageCodec
{
    /// <summary>
    /// Reads the next message. Returns null at a clean end of stream when
    /// <paramref name="endAllowed"/>; otherwise a missing or partial message is an error.
    /// </summary>
    public static async ValueTask<T?> ReadAsync<T>(
        PipeReader reader,
        MessageParser<T> parser,
        int maxSize,
        string? encoding,
        bool endAllowed,
        CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (GrpcProtocol.TryReadHeader(buffer, out var flag, out var length))
            {
                // Check the declared length before buffering the body (GRPC.md item 7).
                if (length > (uint)maxSize)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Received message exceeds the maximum configured message size ({length} > {maxSize} bytes).");
                }
                if (buffer.Length >= GrpcProtocol.HeaderSize + length)
                {
                    var payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
                    T message;
                    try
                    {
                        message = Decode(payload, flag, parser, maxSize, encoding);
                    }
                    finally
                    {
                        reader.AdvanceTo(payload.End);
                    }
                    return message;
                }
            }
            if (result.IsCompleted)
            {
                if (buffer.Length == 0 && endAllowed)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }
                reader.AdvanceTo(buffer.End);
                throw new RpcException(StatusCode.Internal, "Incomplete message.");
            }
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Waits for the end of the stream and fails if any bytes follow a unary message.</summary>
    public static async ValueTask EnsureEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var length = result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (length > 0)
            {
                throw new RpcException(StatusCode.Internal, "Additional data after the message received.");
            }
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static T Decode<T>(in ReadOnlySequence<byte> payload, byte flag, MessageParser<T> parser, int maxSize, string? encoding)
        where T : class, IMessage<T>
    {
        switch (flag)
        {
            case 0:
                return Parse(parser, payload);
            case 1:
                if (encoding is null || encoding == GrpcProtocol.Identity)
                {
                    throw new RpcException(StatusCode.Internal,
                        "Request sent a compressed message but no grpc-encoding (or identity) was given.");
                }
                if (encoding != GrpcProtocol.Gzip)
                {
                    throw new RpcException(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'.");
                }
                return Parse(parser, Gunzip(payload, maxSize));
            default:
                throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {flag} in message header; expected 0 or 1.");
        }
    }

    private static T Parse<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload) where T : class, IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, "Failed to deserialize the message: " + ex.Message);
        }
    }

    private static ReadOnlySequence<byte> Gunzip(in ReadOnlySequence<byte> payload, int maxSize)
    {
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Received message exceeds the maximum configured message size after decompression (> {maxSize} bytes).");
                }
                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            throw new RpcException(StatusCode.Internal, "Failed to decompress the gzip message.");
        }
        return new ReadOnlySequence<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    /// <summary>Writes one framed message into <paramref name="writer"/> without an intermediate array for identity.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message, int? maxSize, bool gzip, CompressionLevel level)
    {
        var size = message.CalculateSize();
        if (maxSize is { } max && size > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {max} bytes).");
        }
        if (!gzip)
        {
            var header = writer.GetSpan(GrpcProtocol.HeaderSize);
            GrpcProtocol.WriteHeader(header, compressed: false, size);
            writer.Advance(GrpcProtocol.HeaderSize);
            message.WriteTo(writer);
            return;
        }
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, level, leaveOpen: true))
        {
            message.WriteTo(gz);
        }
        var span = writer.GetSpan(GrpcProtocol.HeaderSize);
        GrpcProtocol.WriteHeader(span, compressed: true, (int)compressed.Length);
        writer.Advance(GrpcProtocol.HeaderSize);
        writer.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }
}
