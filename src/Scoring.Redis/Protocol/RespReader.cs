using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Scoring.Redis.Protocol;

/// <summary>
/// Reads values from one contiguous reply that <see cref="RespFramer"/> has already found
/// complete, so it never waits for data (a reply split across receive segments is copied into
/// one pooled buffer first). Attributes (<c>|</c>) are skipped wherever they appear. Typed reads
/// decode straight from the receive buffer: no intermediate reply objects.
/// </summary>
internal ref struct RespReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public RespReader(ReadOnlySpan<byte> reply)
    {
        _buffer = reply;
        _position = 0;
        Prefix = 0;
        Length = 0;
        Line = default;
    }

    /// <summary>The RESP type byte of the value whose header was read last.</summary>
    public byte Prefix { get; private set; }

    /// <summary>Bulk length or element count (map: pair count); -1 for RESP2 nulls.</summary>
    public long Length { get; private set; }

    /// <summary>The header line content for simple types.</summary>
    public ReadOnlySpan<byte> Line { get; private set; }

    /// <summary>True when the value read last is a null (RESP3 <c>_</c>, <c>$-1</c> or <c>*-1</c>).</summary>
    public readonly bool IsNull => Prefix == (byte)'_' || (Length == -1 && Prefix is (byte)'$' or (byte)'*');

    /// <summary>True when the value read last is an aggregate (array, set, push, map).</summary>
    public readonly bool IsAggregate => Prefix is (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%';

    /// <summary>Reads the next value's header, skipping any attribute in front of it.</summary>
    public void ReadHeader()
    {
        while (true)
        {
            ReadRawHeader();
            if (Prefix != (byte)'|')
            {
                return;
            }

            var entries = Length * 2;
            for (long i = 0; i < entries; i++)
            {
                ReadHeader();
                SkipBody();
            }
        }
    }

    /// <summary>
    /// If the reply is an error (<c>-</c> or <c>!</c>) returns it; otherwise leaves the reader where it was.
    /// </summary>
    public bool TryReadError(out RedisServerException? error)
    {
        var saved = _position;
        ReadHeader();
        if (Prefix == (byte)'-')
        {
            error = new RedisServerException(Encoding.UTF8.GetString(Line));
            return true;
        }

        if (Prefix == (byte)'!')
        {
            error = new RedisServerException(Encoding.UTF8.GetString(ReadPayload()));
            return true;
        }

        _position = saved;
        error = null;
        return false;
    }

    /// <summary>After a bulk header: the payload (without CRLF); advances past it.</summary>
    public ReadOnlySpan<byte> ReadPayload()
    {
        if (Length < 0)
        {
            return default;
        }

        var payload = _buffer.Slice(_position, (int)Length);
        _position += (int)Length + 2;
        return payload;
    }

    /// <summary>After a header: skips the value's body (payload or all nested elements).</summary>
    public void SkipBody()
    {
        switch (Prefix)
        {
            case (byte)'$' or (byte)'!' or (byte)'=':
                if (Length >= 0)
                {
                    _position += (int)Length + 2;
                }

                break;
            case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%':
                var count = Prefix == (byte)'%' ? Length * 2 : Length;
                for (long i = 0; i < count; i++)
                {
                    ReadHeader();
                    SkipBody();
                }

                break;
        }
    }

    /// <summary>Reads an aggregate header and returns its element count (-1 for null). Maps count pairs.</summary>
    public long ReadAggregateLength()
    {
        ReadHeader();
        if (IsNull)
        {
            return -1;
        }

        if (!IsAggregate)
        {
            throw Unexpected("an array");
        }

        return Length;
    }

    /// <summary>Reads a string-like value: simple, bulk, verbatim (format stripped), or a number's text.</summary>
    public string? ReadString()
    {
        ReadHeader();
        return CurrentAsString();
    }

    /// <summary>Converts the value whose header was just read to a string.</summary>
    public string? CurrentAsString()
    {
        switch (Prefix)
        {
            case (byte)'+' or (byte)':' or (byte)',' or (byte)'(' or (byte)'#':
                return Encoding.UTF8.GetString(Line);
            case (byte)'$':
                return Length < 0 ? null : Encoding.UTF8.GetString(ReadPayload());
            case (byte)'=':
                // Verbatim strings start with a three-letter format and a colon, e.g. "txt:".
                return Encoding.UTF8.GetString(ReadPayload().Slice(4));
            case (byte)'_':
                return null;
            case (byte)'*' when Length < 0:
                return null;
            default:
                throw Unexpected("a string");
        }
    }

    /// <summary>Reads a bulk/simple string as a new byte array (null for nil).</summary>
    public byte[]? ReadBytes()
    {
        ReadHeader();
        return CurrentAsBytes();
    }

    /// <summary>Converts the value whose header was just read to bytes.</summary>
    public byte[]? CurrentAsBytes()
    {
        switch (Prefix)
        {
            case (byte)'+' or (byte)':' or (byte)',' or (byte)'(' or (byte)'#':
                return Line.ToArray();
            case (byte)'$':
                return Length < 0 ? null : ReadPayload().ToArray();
            case (byte)'=':
                return ReadPayload().Slice(4).ToArray();
            case (byte)'_':
                return null;
            case (byte)'*' when Length < 0:
                return null;
            default:
                throw Unexpected("a bulk string");
        }
    }

    /// <summary>Reads a bulk string into a pooled buffer (null for nil).</summary>
    public RedisLease? ReadLease()
    {
        ReadHeader();
        if (IsNull)
        {
            return null;
        }

        ReadOnlySpan<byte> payload;
        switch (Prefix)
        {
            case (byte)'$':
                payload = ReadPayload();
                break;
            case (byte)'=':
                payload = ReadPayload().Slice(4);
                break;
            case (byte)'+' or (byte)':' or (byte)',' or (byte)'(' or (byte)'#':
                payload = Line;
                break;
            default:
                throw Unexpected("a bulk string");
        }

        var lease = RedisLease.Rent(payload.Length);
        payload.CopyTo(lease.Span);
        return lease;
    }

    /// <summary>Copies a bulk string into <paramref name="destination"/>; returns its length or -1 for nil.</summary>
    public int ReadInto(Span<byte> destination)
    {
        ReadHeader();
        if (IsNull)
        {
            return -1;
        }

        var payload = Prefix switch
        {
            (byte)'$' => ReadPayload(),
            (byte)'=' => ReadPayload().Slice(4),
            (byte)'+' or (byte)':' or (byte)',' or (byte)'(' or (byte)'#' => Line,
            _ => throw Unexpected("a bulk string"),
        };
        if (payload.Length > destination.Length)
        {
            throw new ArgumentException($"The destination buffer has {destination.Length} bytes but the value has {payload.Length}.", nameof(destination));
        }

        payload.CopyTo(destination);
        return payload.Length;
    }

    /// <summary>Reads an integer (also accepts a numeric bulk string).</summary>
    public long ReadInt64()
    {
        ReadHeader();
        return CurrentAsInt64() ?? throw new RedisProtocolException("Expected an integer but the reply was null.");
    }

    /// <summary>Reads an integer or null.</summary>
    public long? ReadNullableInt64()
    {
        ReadHeader();
        return CurrentAsInt64();
    }

    /// <summary>Converts the value whose header was just read to an integer (null for nil).</summary>
    public long? CurrentAsInt64()
    {
        if (IsNull)
        {
            SkipBody();
            return null;
        }

        ReadOnlySpan<byte> text = Prefix switch
        {
            (byte)':' or (byte)'+' => Line,
            (byte)'$' => ReadPayload(),
            _ => throw Unexpected("an integer"),
        };
        if (!Utf8Parser.TryParse(text, out long value, out var consumed) || consumed != text.Length || text.IsEmpty)
        {
            throw new RedisProtocolException($"'{Encoding.UTF8.GetString(text)}' is not a valid 64-bit integer.");
        }

        return value;
    }

    /// <summary>Reads a double (RESP3 <c>,</c>, or a bulk/simple string or integer in RESP2); null for nil.</summary>
    public double? ReadDouble()
    {
        ReadHeader();
        return CurrentAsDouble();
    }

    /// <summary>Converts the value whose header was just read to a double (null for nil).</summary>
    public double? CurrentAsDouble()
    {
        if (IsNull)
        {
            SkipBody();
            return null;
        }

        ReadOnlySpan<byte> text = Prefix switch
        {
            (byte)',' or (byte)':' or (byte)'+' => Line,
            (byte)'$' => ReadPayload(),
            _ => throw Unexpected("a double"),
        };
        return ParseDouble(text);
    }

    /// <summary>Reads a boolean (RESP3 <c>#t</c>/<c>#f</c>, or integer 1/0 in RESP2).</summary>
    public bool ReadBoolean()
    {
        ReadHeader();
        return CurrentAsBoolean();
    }

    /// <summary>Converts the value whose header was just read to a boolean.</summary>
    public bool CurrentAsBoolean()
    {
        if (Prefix == (byte)'#')
        {
            return Line is [(byte)'t'];
        }

        if (IsNull)
        {
            SkipBody();
            return false;
        }

        return (CurrentAsInt64() ?? 0) != 0;
    }

    /// <summary>Reads a simple-string status such as +OK (any non-error simple or bulk string is accepted).</summary>
    public void ReadStatus()
    {
        ReadHeader();
        if (Prefix is not ((byte)'+' or (byte)'$' or (byte)'='))
        {
            throw Unexpected("a status reply");
        }

        SkipBody();
    }

    /// <summary>Reads any value as a <see cref="RedisResult"/> tree.</summary>
    public RedisResult ReadResult()
    {
        ReadHeader();
        return CurrentAsResult();
    }

    /// <summary>Converts the value whose header was just read (and its children) to a <see cref="RedisResult"/>.</summary>
    public RedisResult CurrentAsResult()
    {
        switch (Prefix)
        {
            case (byte)'+':
                return RedisResult.FromBytes(RedisResultType.SimpleString, Line.ToArray());
            case (byte)'-':
                return RedisResult.FromBytes(RedisResultType.Error, Line.ToArray());
            case (byte)'!':
                return RedisResult.FromBytes(RedisResultType.Error, ReadPayload().ToArray());
            case (byte)':':
                return RedisResult.FromInteger(CurrentAsInt64()!.Value);
            case (byte)',':
                return RedisResult.FromDouble(ParseDouble(Line));
            case (byte)'#':
                return RedisResult.FromBoolean(CurrentAsBoolean());
            case (byte)'(':
                return RedisResult.FromBytes(RedisResultType.BigNumber, Line.ToArray());
            case (byte)'_':
                return RedisResult.Null;
            case (byte)'$':
                return Length < 0 ? RedisResult.Null : RedisResult.FromBytes(RedisResultType.BulkString, ReadPayload().ToArray());
            case (byte)'=':
            {
                var payload = ReadPayload();
                return RedisResult.FromVerbatim(Encoding.ASCII.GetString(payload.Slice(0, 3)), payload.Slice(4).ToArray());
            }

            case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%':
            {
                if (Length < 0)
                {
                    return RedisResult.Null;
                }

                var type = Prefix switch
                {
                    (byte)'*' => RedisResultType.Array,
                    (byte)'~' => RedisResultType.Set,
                    (byte)'>' => RedisResultType.Push,
                    _ => RedisResultType.Map,
                };
                var count = type == RedisResultType.Map ? Length * 2 : Length;
                var items = count == 0 ? [] : new RedisResult[count];
                for (long i = 0; i < count; i++)
                {
                    items[i] = ReadResult();
                }

                return RedisResult.FromItems(type, items);
            }

            default:
                throw Unexpected("a value");
        }
    }

    internal static double ParseDouble(ReadOnlySpan<byte> span)
    {
        // RESP3 spells infinities and NaN in lower case; Redis' RESP2 replies use the same words.
        if (span.SequenceEqual("inf"u8) || span.SequenceEqual("+inf"u8))
        {
            return double.PositiveInfinity;
        }

        if (span.SequenceEqual("-inf"u8))
        {
            return double.NegativeInfinity;
        }

        if (span.SequenceEqual("nan"u8) || span.SequenceEqual("-nan"u8))
        {
            return double.NaN;
        }

        if (Utf8Parser.TryParse(span, out double value, out var consumed) && consumed == span.Length)
        {
            return value;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return value;
        }

        throw new RedisProtocolException($"'{Encoding.UTF8.GetString(span)}' is not a valid double.");
    }

    private readonly RedisProtocolException Unexpected(string expected) =>
        new($"Expected {expected} but the reply has RESP type '{(char)Prefix}'.");

    private void ReadRawHeader()
    {
        var rest = _buffer[_position..];
        var newline = rest.IndexOf((byte)'\n');
        if (newline < 2 || rest[newline - 1] != (byte)'\r')
        {
            throw new RedisProtocolException("The reply ended unexpectedly.");
        }

        var prefix = rest[0];
        var line = rest[1..(newline - 1)];
        _position += newline + 1;
        Prefix = prefix;
        Line = line;
        Length = prefix switch
        {
            (byte)'$' or (byte)'!' or (byte)'=' or (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|' => RespFramer.ParseLength(line, prefix),
            _ => 0,
        };
    }
}
