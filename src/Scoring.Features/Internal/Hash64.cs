using System.Buffers;
using System.Text;

namespace Scoring.Features.Internal;

/// <summary>
/// FNV-1a 64 over the UTF-8 bytes, then a murmur3 finaliser so that ids differing in their
/// last characters still spread over all bits (System.IO.Hashing is not available here).
/// Stored in customer state: changing it invalidates the idempotency sets of stored states.
/// </summary>
internal static class Hash64
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(string s)
    {
        // ASCII ids (the usual case) are hashed char by char: the same bytes UTF-8 would give,
        // without transcoding into a buffer first.
        var h = Offset;
        foreach (var c in s)
        {
            if (c >= 0x80)
            {
                return OfUtf8(s);
            }

            h ^= c;
            h *= Prime;
        }

        return Finalise(h);
    }

    private static ulong OfUtf8(string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(s, buffer);
            return Of(buffer[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var h = Offset;
        foreach (var b in bytes)
        {
            h ^= b;
            h *= Prime;
        }

        return Finalise(h);
    }

    private static ulong Finalise(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
