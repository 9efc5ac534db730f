using System.Buffers;
using System.Globalization;
using System.Text;

namespace Scoring.Transport.Internal;

/// <summary>Constants and small codecs from the gRPC HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TimeoutHeader = "grpc-timeout";
    public const string Identity = "identity";
    public const string Gzip = "gzip";
    public const string SupportedEncodings = "identity,gzip";
    public const int HeaderSize = 5;

    /// <summary>HTTP/2 RST_STREAM error code CANCEL (RFC 9113 section 7).</summary>
    public const int Http2CancelErrorCode = 0x8;

    /// <summary>
    /// "application/grpc" case-insensitively, followed by end, ';' or '+' (e.g. "+proto").
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (contentType.Length == ContentType.Length)
        {
            return true;
        }
        var next = contentType[ContentType.Length];
        return next is ';' or '+';
    }

    /// <summary>Headers that carry protocol, not application metadata (GRPC.md item 14).</summary>
    public static bool IsReservedHeader(string name) =>
        name.Length > 0 && name[0] == ':' ||
        name.Equals("content-type", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("te", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("content-length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("user-agent", StringComparison.OrdinalIgnoreCase) ||
        name.Equals(EncodingHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(AcceptEncodingHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(TimeoutHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(StatusHeader, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(MessageHeader, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses grpc-timeout: 1 to 8 ASCII digits then one of H M S m u n. Invalid values return
    /// false and the caller ignores the header, as the spec allows.
    /// </summary>
    public static bool TryParseTimeout(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9)
        {
            return false;
        }
        long amount = 0;
        for (var i = 0; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c is < '0' or > '9')
            {
                return false;
            }
            amount = amount * 10 + (c - '0');
        }
        // Ticks are 100 ns; the largest 8-digit hour value still fits in a TimeSpan.
        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * 10; break;
            case 'n': ticks = amount / 100; break;
            default: return false;
        }
        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats a timeout with at most 8 digits, rounding up so a deadline is never shortened to 0.</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        var micros = (ticks + 9) / 10;
        if (micros < 100_000_000)
        {
            return micros.ToString(CultureInfo.InvariantCulture) + "u";
        }
        var millis = (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        if (millis < 100_000_000)
        {
            return millis.ToString(CultureInfo.InvariantCulture) + "m";
        }
        var seconds = (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        if (seconds < 100_000_000)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "S";
        }
        var minutes = Math.Min(99_999_999, (ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute);
        return minutes.ToString(CultureInfo.InvariantCulture) + "M";
    }

    /// <summary>
    /// Percent-encodes grpc-message: bytes 0x20-0x7E pass except '%'; everything else is
    /// UTF-8 encoded and written as %XX with upper-case hex.
    /// </summary>
    public static string PercentEncode(string message)
    {
        var needs = false;
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needs = true;
                break;
            }
        }
        if (!needs)
        {
            return message;
        }
        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>Decodes a percent-encoded grpc-message; malformed escapes are kept as they are.</summary>
    public static string PercentDecode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }
        var bytes = new byte[value.Length];
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length &&
                IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                i += 2;
            }
            else
            {
                bytes[n++] = (byte)c;
            }
        }
        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    /// <summary>Base64 for "-bin" metadata; decoding accepts missing padding (spec: MUST accept both).</summary>
    public static byte[] DecodeBinaryHeader(string value)
    {
        var s = value.Trim();
        var pad = s.Length % 4;
        if (pad != 0)
        {
            s += new string('=', 4 - pad);
        }
        return Convert.FromBase64String(s);
    }

    public static string EncodeBinaryHeader(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>
    /// Reads the 5-byte message header; copies to the stack only when it spans segments.
    /// </summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out byte flag, out uint length)
    {
        if (buffer.Length < HeaderSize)
        {
            flag = 0;
            length = 0;
            return false;
        }
        ReadOnlySpan<byte> header;
        if (buffer.FirstSpan.Length >= HeaderSize)
        {
            header = buffer.FirstSpan;
        }
        else
        {
            Span<byte> copy = stackalloc byte[HeaderSize];
            buffer.Slice(0, HeaderSize).CopyTo(copy);
            flag = copy[0];
            length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(copy[1..]);
            return true;
        }
        flag = header[0];
        length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return true;
    }

    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Code names as the gRPC ecosystem's Prometheus interceptors label them.</summary>
    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "Canceled",
        StatusCode.Unknown => "Unknown",
        StatusCode.InvalidArgument => "InvalidArgument",
        StatusCode.DeadlineExceeded => "DeadlineExceeded",
        StatusCode.NotFound => "NotFound",
        StatusCode.AlreadyExists => "AlreadyExists",
        StatusCode.PermissionDenied => "PermissionDenied",
        StatusCode.ResourceExhausted => "ResourceExhausted",
        StatusCode.FailedPrecondition => "FailedPrecondition",
        StatusCode.Aborted => "Aborted",
        StatusCode.OutOfRange => "OutOfRange",
        StatusCode.Unimplemented => "Unimplemented",
        StatusCode.Internal => "Internal",
        StatusCode.Unavailable => "Unavailable",
        StatusCode.DataLoss => "DataLoss",
        StatusCode.Unauthenticated => "Unauthenticated",
        _ => ((int)code).ToString(CultureInfo.InvariantCulture),
    };

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
