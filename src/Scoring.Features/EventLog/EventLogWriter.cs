using System.IO.Compression;
using Google.Protobuf;

namespace Scoring.Features.EventLog;

/// <summary>
/// Writes an event log: varint-length-delimited protobuf messages (scoring.v1.Event, or
/// scoring.v1.Profile in a profile file), in arrival order, gzip-compressed when the file
/// name ends in ".gz". The same format as Google.Protobuf's WriteDelimitedTo.
/// </summary>
public sealed class EventLogWriter : IDisposable, IAsyncDisposable
{
    private readonly Stream _file;
    private readonly Stream _stream;
    private readonly CodedOutputStream _output;

    private EventLogWriter(Stream file, bool gzip)
    {
        _file = file;
        _stream = gzip ? new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true) : file;
        _output = new CodedOutputStream(_stream, leaveOpen: true);
    }

    /// <summary>Number of messages written.</summary>
    public long Count { get; private set; }

    /// <summary>Creates (or truncates) a log file; gzip when the name ends in ".gz".</summary>
    public static EventLogWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return new EventLogWriter(file, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Writes to a stream the caller owns (not closed on dispose).</summary>
    public static EventLogWriter ToStream(Stream stream, bool gzip) =>
        new(new NonClosingStream(stream ?? throw new ArgumentNullException(nameof(stream))), gzip);

    /// <summary>Appends one message.</summary>
    public void Write(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _output.WriteLength(message.CalculateSize());
        message.WriteTo(_output);
        Count++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _output.Flush();
        _output.Dispose();
        if (!ReferenceEquals(_stream, _file))
        {
            _stream.Dispose();
        }

        _file.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _output.Flush();
        _output.Dispose();
        if (!ReferenceEquals(_stream, _file))
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        await _file.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        protected override void Dispose(bool disposing) => inner.Flush();
    }
}
