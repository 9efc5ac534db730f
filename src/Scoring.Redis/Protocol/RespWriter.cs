using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Scoring.Redis.Protocol;

/// <summary>
/// Encodes commands as RESP arrays of bulk strings straight into an <see cref="IBufferWriter{T}"/>
/// (the connection's pipe), e.g. <c>*3\r\n$4\r\nHGET\r\n$3\r\nkey\r\n$1\r\nf\r\n</c>.
/// </summary>
internal static class RespWriter
{
    // Largest header: '$' or '*' + 20 digits + CRLF.
    private const int MaxHeader = 24;

    public static void WriteArrayHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, (byte)'*', count);

    /// <summary>Writes pre-encoded bytes, e.g. a command name already framed as a bulk string.</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    public static void WriteBulk(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        WriteHeader(writer, (byte)'$', value.Length);
        if (value.Length + 2 <= 4096)
        {
            var span = writer.GetSpan(value.Length + 2);
            value.CopyTo(span);
            span[value.Length] = (byte)'\r';
            span[value.Length + 1] = (byte)'\n';
            writer.Advance(value.Length + 2);
            return;
        }

        writer.Write(value);
        WriteCrlf(writer);
    }

    public static void WriteBulk(IBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(writer, (byte)'$', length);
        if (length + 2 <= 4096)
        {
            var span = writer.GetSpan(length + 2);
            var written = Encoding.UTF8.GetBytes(value, span);
            span[written] = (byte)'\r';
            span[written + 1] = (byte)'\n';
            writer.Advance(written + 2);
            return;
        }

        Encoding.UTF8.GetBytes(value.AsSpan(), writer);
        WriteCrlf(writer);
    }

    public static void WriteBulk(IBufferWriter<byte> writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        WriteBulk(writer, digits[..written]);
    }

    public static void WriteBulk(IBufferWriter<byte> writer, double value)
    {
        // Redis parses "inf"/"-inf"; "R" gives the shortest text that round-trips.
        Span<byte> text = stackalloc byte[32];
        int written;
        if (double.IsPositiveInfinity(value))
        {
            "+inf"u8.CopyTo(text);
            written = 4;
        }
        else if (double.IsNegativeInfinity(value))
        {
            "-inf"u8.CopyTo(text);
            written = 4;
        }
        else if (double.IsNaN(value))
        {
            // Throwing here would leave half a command in the pipe; Redis rejects "nan" with an error reply instead.
            "nan"u8.CopyTo(text);
            written = 3;
        }
        else if (!value.TryFormat(text, out written, "R", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException("The double could not be formatted.", nameof(value));
        }

        WriteBulk(writer, text[..written]);
    }

    public static void WriteBulk(IBufferWriter<byte> writer, in RedisValue value)
    {
        switch (value.Kind)
        {
            case RedisValueKind.String:
                WriteBulk(writer, value.String);
                break;
            case RedisValueKind.Bytes:
                WriteBulk(writer, value.Bytes.Span);
                break;
            case RedisValueKind.Integer:
                WriteBulk(writer, value.Integer);
                break;
            default:
                WriteBulk(writer, value.Double);
                break;
        }
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte prefix, long length)
    {
        var span = writer.GetSpan(MaxHeader);
        span[0] = prefix;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        writer.Advance(written + 3);
    }

    private static void WriteCrlf(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        writer.Advance(2);
    }
}
