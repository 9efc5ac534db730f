using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Features.EventLog;

/// <summary>
/// Streams messages from an event log written by <see cref="EventLogWriter"/> (or any
/// WriteDelimitedTo output): one message in memory at a time. A truncated or corrupt record
/// is an InvalidDataException naming the record number.
/// </summary>
public sealed class EventLogReader : IDisposable
{
    /// <summary>Largest accepted record; a bigger length prefix means a corrupt or foreign file.</summary>
    public const int MaxRecordBytes = 4 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private long _records;

    private EventLogReader(Stream stream) => _stream = stream;

    /// <summary>Opens a log file; gunzips when the name ends in ".gz".</summary>
    public static EventLogReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Stream file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            file = new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        }

        return new EventLogReader(file);
    }

    /// <summary>Reads from a stream (disposed with the reader).</summary>
    public static EventLogReader FromStream(Stream stream, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new EventLogReader(gzip ? new BufferedStream(new GZipStream(stream, CompressionMode.Decompress), 1 << 16) : stream);
    }

    /// <summary>All events of a file, lazily, in file (arrival) order.</summary>
    public static IEnumerable<Event> ReadEvents(string path)
    {
        using var reader = Open(path);
        while (reader.TryRead(Event.Parser, out var e))
        {
            yield return e;
        }
    }

    /// <summary>All profiles of a profile file, lazily.</summary>
    public static IEnumerable<Profile> ReadProfiles(string path)
    {
        using var reader = Open(path);
        while (reader.TryRead(Profile.Parser, out var p))
        {
            yield return p;
        }
    }

    /// <summary>Reads the next message; false at a clean end of file.</summary>
    public bool TryRead<T>(MessageParser<T> parser, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? message)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        message = default;
        var first = _stream.ReadByte();
        if (first < 0)
        {
            return false;
        }

        _records++;
        ulong length = (uint)first & 0x7F;
        var shift = 7;
        var b = first;
        while ((b & 0x80) != 0)
        {
            b = _stream.ReadByte();
            if (b < 0 || shift > 28)
            {
                throw new InvalidDataException($"Event log record {_records}: truncated or invalid length prefix.");
            }

            length |= ((ulong)b & 0x7F) << shift;
            shift += 7;
        }

        if (length > MaxRecordBytes)
        {
            throw new InvalidDataException($"Event log record {_records}: length {length} exceeds {MaxRecordBytes} bytes.");
        }

        var n = (int)length;
        if (_buffer.Length < n)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(n);
        }

        var span = _buffer.AsSpan(0, n);
        try
        {
            _stream.ReadExactly(span);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"Event log record {_records}: truncated (expected {n} bytes).", ex);
        }

        try
        {
            message = parser.ParseFrom(span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"Event log record {_records}: not a valid {typeof(T).Name} message.", ex);
        }

        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
