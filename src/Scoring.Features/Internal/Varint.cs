using System.Buffers.Binary;
using System.IO;

namespace Scoring.Features.Internal;

/// <summary>Append-only little buffer with LEB128 varints (protobuf style) and zigzag.</summary>
internal ref struct StateWriter
{
    private byte[] _buffer;
    private int _length;

    public StateWriter(byte[] buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public readonly byte[] Buffer => _buffer;

    public void Byte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void U(ulong v)
    {
        Ensure(10);
        while (v >= 0x80)
        {
            _buffer[_length++] = (byte)(v | 0x80);
            v >>= 7;
        }

        _buffer[_length++] = (byte)v;
    }

    public void S(long v) => U((ulong)((v << 1) ^ (v >> 63)));

    public void Fixed64(ulong v)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), v);
        _length += 8;
    }

    private void Ensure(int n)
    {
        if (_length + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        }
    }
}

/// <summary>Reader for <see cref="StateWriter"/>; every malformed input is an InvalidDataException.</summary>
internal ref struct StateReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public StateReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Remaining => _data.Length - _pos;

    public byte Byte()
    {
        if (_pos >= _data.Length)
        {
            throw Truncated();
        }

        return _data[_pos++];
    }

    public ulong U()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("Customer state is corrupt: varint longer than 10 bytes.");
    }

    public long S()
    {
        var u = U();
        return (long)(u >> 1) ^ -(long)(u & 1);
    }

    public int Int32(int max)
    {
        var v = U();
        return v > (ulong)max ? throw new InvalidDataException($"Customer state is corrupt: value {v} exceeds {max}.") : (int)v;
    }

    public int SInt32()
    {
        var v = S();
        return v is < int.MinValue or > int.MaxValue ? throw new InvalidDataException("Customer state is corrupt: value out of range.") : (int)v;
    }

    public long NonNegative()
    {
        var v = U();
        return v > long.MaxValue ? throw new InvalidDataException("Customer state is corrupt: value out of range.") : (long)v;
    }

    /// <summary>A count of items each taking at least <paramref name="minBytesEach"/> bytes.</summary>
    public int Count(int minBytesEach)
    {
        var n = U();
        return n > (ulong)(Remaining / Math.Max(1, minBytesEach))
            ? throw new InvalidDataException($"Customer state is corrupt: count {n} exceeds the remaining data.")
            : (int)n;
    }

    public ulong Fixed64()
    {
        if (Remaining < 8)
        {
            throw Truncated();
        }

        var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    private static InvalidDataException Truncated() => new("Customer state is corrupt: unexpected end of data.");
}
