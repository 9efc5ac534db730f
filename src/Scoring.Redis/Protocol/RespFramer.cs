using System.Buffers;
using System.Buffers.Text;

namespace Scoring.Redis.Protocol;

/// <summary>
/// Finds where one complete top-level reply ends in the received bytes without materialising
/// it, enforcing <see cref="RespLimits"/>. Types per the RESP3 spec
/// (https://github.com/redis/redis-specification/blob/master/protocol/RESP3.md).
/// </summary>
internal static class RespFramer
{
    /// <summary>
    /// Returns true when <paramref name="buffer"/> starts with a complete reply; <paramref name="end"/>
    /// is the position just after it. <paramref name="isPush"/> is true for RESP3 out-of-band pushes.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not valid RESP or exceed a limit.</exception>
    public static bool TryFrame(in ReadOnlySequence<byte> buffer, in RespLimits limits, out SequencePosition end, out bool isPush)
    {
        // Fast path: the reply lies within the first segment (the common case).
        if (TryFrame(buffer.FirstSpan, limits, out var firstLength, out isPush))
        {
            end = buffer.GetPosition(firstLength);
            return true;
        }

        end = default;
        isPush = false;
        var reader = new SequenceReader<byte>(buffer);
        Span<long> remaining = stackalloc long[limits.MaxDepth + 1];
        var depth = 0;
        remaining[0] = 1;
        var sawValue = false;
        while (true)
        {
            if (!reader.TryRead(out var prefix))
            {
                return false;
            }

            if (!TryReadLine(ref reader, limits, out var line))
            {
                return false;
            }

            long children = 0;
            var isAttribute = false;
            switch (prefix)
            {
                case (byte)'+' or (byte)'-' or (byte)':' or (byte)',' or (byte)'#' or (byte)'(' or (byte)'_':
                    break;
                case (byte)'$' or (byte)'!' or (byte)'=':
                {
                    var length = ParseLength(line, prefix);
                    if (length == -1 && prefix == (byte)'$')
                    {
                        break;
                    }

                    if (length < 0 || length > limits.MaxBulkLength)
                    {
                        throw new RedisProtocolException($"Bulk length {length} is outside 0..{limits.MaxBulkLength} (max bulk length).");
                    }

                    if (reader.Remaining < length + 2)
                    {
                        return false;
                    }

                    reader.Advance(length);
                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        throw new RedisProtocolException("Bulk string is not terminated by CRLF.");
                    }

                    break;
                }

                case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                {
                    var length = ParseLength(line, prefix);
                    if (length == -1 && prefix == (byte)'*')
                    {
                        break;
                    }

                    if (length < 0 || length > limits.MaxAggregateLength)
                    {
                        throw new RedisProtocolException($"Aggregate length {length} is outside 0..{limits.MaxAggregateLength} (max aggregate length).");
                    }

                    // Maps and attributes carry key/value pairs: two elements per entry.
                    children = prefix is (byte)'%' or (byte)'|' ? length * 2 : length;
                    isAttribute = prefix == (byte)'|';
                    break;
                }

                default:
                    throw new RedisProtocolException($"Unknown RESP type byte 0x{prefix:X2}.");
            }

            if (!sawValue && !isAttribute)
            {
                isPush = prefix == (byte)'>';
                sawValue = true;
            }

            // An attribute annotates the value that follows it, so it does not use up a slot.
            if (!isAttribute)
            {
                remaining[depth]--;
            }

            if (children > 0)
            {
                if (depth == limits.MaxDepth)
                {
                    throw new RedisProtocolException($"Reply nesting exceeds the maximum depth of {limits.MaxDepth}.");
                }

                remaining[++depth] = children;
            }

            while (depth > 0 && remaining[depth] == 0)
            {
                depth--;
            }

            if (depth == 0 && remaining[0] == 0)
            {
                end = reader.Position;
                return true;
            }
        }
    }

    /// <summary>Span version of <see cref="TryFrame(in ReadOnlySequence{byte}, in RespLimits, out SequencePosition, out bool)"/>;
    /// returns false when the reply is incomplete (the caller then checks across segments and limits).</summary>
    internal static bool TryFrame(ReadOnlySpan<byte> buffer, in RespLimits limits, out int consumed, out bool isPush)
    {
        consumed = 0;
        isPush = false;
        Span<long> remaining = stackalloc long[limits.MaxDepth + 1];
        var depth = 0;
        remaining[0] = 1;
        var sawValue = false;
        var position = 0;
        while (true)
        {
            if (position >= buffer.Length)
            {
                return false;
            }

            var prefix = buffer[position];
            var newline = buffer[(position + 1)..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return false;
            }

            if (newline == 0 || buffer[position + newline] != (byte)'\r')
            {
                throw new RedisProtocolException("A reply line is not terminated by CRLF.");
            }

            var line = buffer.Slice(position + 1, newline - 1);
            if (line.Length > limits.MaxLineLength)
            {
                throw new RedisProtocolException($"A reply line exceeds the maximum of {limits.MaxLineLength} bytes.");
            }

            position += newline + 2;
            long children = 0;
            var isAttribute = false;
            switch (prefix)
            {
                case (byte)'+' or (byte)'-' or (byte)':' or (byte)',' or (byte)'#' or (byte)'(' or (byte)'_':
                    break;
                case (byte)'$' or (byte)'!' or (byte)'=':
                {
                    var length = ParseLength(line, prefix);
                    if (length == -1 && prefix == (byte)'$')
                    {
                        break;
                    }

                    if (length < 0 || length > limits.MaxBulkLength)
                    {
                        throw new RedisProtocolException($"Bulk length {length} is outside 0..{limits.MaxBulkLength} (max bulk length).");
                    }

                    if (buffer.Length - position < length + 2)
                    {
                        return false;
                    }

                    position += (int)length;
                    if (buffer[position] != (byte)'\r' || buffer[position + 1] != (byte)'\n')
                    {
                        throw new RedisProtocolException("Bulk string is not terminated by CRLF.");
                    }

                    position += 2;
                    break;
                }

                case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                {
                    var length = ParseLength(line, prefix);
                    if (length == -1 && prefix == (byte)'*')
                    {
                        break;
                    }

                    if (length < 0 || length > limits.MaxAggregateLength)
                    {
                        throw new RedisProtocolException($"Aggregate length {length} is outside 0..{limits.MaxAggregateLength} (max aggregate length).");
                    }

                    children = prefix is (byte)'%' or (byte)'|' ? length * 2 : length;
                    isAttribute = prefix == (byte)'|';
                    break;
                }

                default:
                    throw new RedisProtocolException($"Unknown RESP type byte 0x{prefix:X2}.");
            }

            if (!sawValue && !isAttribute)
            {
                isPush = prefix == (byte)'>';
                sawValue = true;
            }

            if (!isAttribute)
            {
                remaining[depth]--;
            }

            if (children > 0)
            {
                if (depth == limits.MaxDepth)
                {
                    throw new RedisProtocolException($"Reply nesting exceeds the maximum depth of {limits.MaxDepth}.");
                }

                remaining[++depth] = children;
            }

            while (depth > 0 && remaining[depth] == 0)
            {
                depth--;
            }

            if (depth == 0 && remaining[0] == 0)
            {
                consumed = position;
                return true;
            }
        }
    }

    /// <summary>Reads up to CRLF; the line excludes the terminator.</summary>
    internal static bool TryReadLine(ref SequenceReader<byte> reader, in RespLimits limits, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            if (reader.Remaining > limits.MaxLineLength)
            {
                throw new RedisProtocolException($"A reply line exceeds the maximum of {limits.MaxLineLength} bytes.");
            }

            return false;
        }

        if (line.IsEmpty || LastByte(line) != (byte)'\r')
        {
            throw new RedisProtocolException("A reply line is not terminated by CRLF.");
        }

        if (line.Length > limits.MaxLineLength)
        {
            throw new RedisProtocolException($"A reply line exceeds the maximum of {limits.MaxLineLength} bytes.");
        }

        line = line.Slice(0, line.Length - 1);
        return true;
    }

    internal static long ParseLength(ReadOnlySpan<byte> line, byte prefix)
    {
        if (!Utf8Parser.TryParse(line, out long value, out var consumed) || consumed != line.Length || line.IsEmpty)
        {
            throw new RedisProtocolException($"Invalid length after RESP type '{(char)prefix}' (streamed replies are not supported).");
        }

        return value;
    }

    internal static long ParseLength(in ReadOnlySequence<byte> line, byte prefix)
    {
        if (!TryParseInt64(line, out var value))
        {
            throw new RedisProtocolException($"Invalid length after RESP type '{(char)prefix}' (streamed replies are not supported).");
        }

        return value;
    }

    internal static bool TryParseInt64(in ReadOnlySequence<byte> line, out long value)
    {
        value = 0;
        if (line.Length is 0 or > 20)
        {
            return false;
        }

        Span<byte> scratch = stackalloc byte[20];
        scoped ReadOnlySpan<byte> span;
        if (line.IsSingleSegment)
        {
            span = line.FirstSpan;
        }
        else
        {
            line.CopyTo(scratch);
            span = scratch[..(int)line.Length];
        }

        return Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length;
    }

    private static byte LastByte(in ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan[^1];
        }

        var last = sequence.Slice(sequence.Length - 1);
        return last.FirstSpan[0];
    }
}
