using System.Buffers;
using Scoring.Redis.Protocol;

namespace Scoring.Redis.Internal;

/// <summary>
/// Writes one command (a RESP array of bulk strings) into a sink and queues its operation.
/// Use with <c>using</c>: if writing throws half-way the sink is told the output is broken.
/// </summary>
internal ref struct CommandWriter
{
    private readonly ICommandSink _sink;
    private readonly IBufferWriter<byte> _output;
    private readonly PendingOperation _operation;
    private int _remaining;
    private bool _ended;

    public CommandWriter(ICommandSink sink, PendingOperation operation, CancellationToken cancellationToken)
    {
        _sink = sink;
        _operation = operation;
        _output = sink.BeginWrite();
        _remaining = -1;
        _ended = false;
        operation.RegisterCancellation(cancellationToken);
    }

    /// <summary>Writes the array header and the pre-framed command name (e.g. <c>"$4\r\nHGET\r\n"u8</c>).</summary>
    public void Command(ReadOnlySpan<byte> framedName, int argumentCount)
    {
        RespWriter.WriteArrayHeader(_output, argumentCount + 1);
        RespWriter.WriteRaw(_output, framedName);
        _remaining = argumentCount;
    }

    /// <summary>The raw output, for callers that frame the command header themselves.</summary>
    public readonly IBufferWriter<byte> Output => _output;

    /// <summary>Declares how many more arguments follow (after a hand-written header).</summary>
    public void SetRemaining(int count) => _remaining = count;

    /// <summary>Writes an already-framed argument such as <c>"$2\r\nEX\r\n"u8</c>.</summary>
    public void Raw(ReadOnlySpan<byte> framed)
    {
        RespWriter.WriteRaw(_output, framed);
        _remaining--;
    }

    public void Arg(string value)
    {
        RespWriter.WriteBulk(_output, value);
        _remaining--;
    }

    public void Arg(ReadOnlySpan<byte> value)
    {
        RespWriter.WriteBulk(_output, value);
        _remaining--;
    }

    public void Arg(long value)
    {
        RespWriter.WriteBulk(_output, value);
        _remaining--;
    }

    public void Arg(in RedisValue value)
    {
        RespWriter.WriteBulk(_output, value);
        _remaining--;
    }

    /// <summary>Queues the operation and ends the command.</summary>
    public void End()
    {
        if (_remaining != 0)
        {
            throw new InvalidOperationException($"Command {_operation.Command} declared a different argument count than it wrote ({_remaining} left).");
        }

        _sink.Enqueue(_operation);
        _ended = true;
        _sink.EndWrite(complete: true);
    }

    public readonly void Dispose()
    {
        if (!_ended)
        {
            _sink.EndWrite(complete: false);
        }
    }
}
