using System.Buffers;

namespace Scoring.Redis;

/// <summary>
/// A bulk-string payload in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Dispose it
/// to return the buffer; the memory must not be used afterwards.
/// </summary>
public sealed class RedisLease : IMemoryOwner<byte>
{
    private byte[]? _array;
    private readonly int _length;

    private RedisLease(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>Payload length in bytes.</summary>
    public int Length => _length;

    /// <summary>The payload.</summary>
    public Memory<byte> Memory => new(_array ?? throw new ObjectDisposedException(nameof(RedisLease)), 0, _length);

    /// <summary>The payload as a span.</summary>
    public Span<byte> Span => new(_array ?? throw new ObjectDisposedException(nameof(RedisLease)), 0, _length);

    /// <inheritdoc />
    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    internal static RedisLease Rent(int length) => new(ArrayPool<byte>.Shared.Rent(Math.Max(length, 1)), length);
}
