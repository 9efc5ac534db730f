using System.Buffers;
using Scoring.Redis.Internal;

namespace Scoring.Redis;

/// <summary>
/// Collects commands and sends them in one write with <see cref="Execute"/>, e.g. 1,000 HGETs for
/// a page of customers. Queue the commands, keep their tasks, call <see cref="Execute"/>, then
/// await the tasks (awaiting before <see cref="Execute"/> would wait forever). Single use, not thread-safe.
/// </summary>
public sealed class RedisBatch : RedisCommands, ICommandSink
{
    private readonly RedisClient _client;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly List<PendingOperation> _operations = [];
    private bool _executed;
    private bool _broken;

    internal RedisBatch(RedisClient client) => _client = client;

    /// <summary>Number of queued commands.</summary>
    public int Count => _operations.Count;

    /// <summary>
    /// Sends every queued command in one write. Throws <see cref="RedisUnavailableException"/>
    /// (and fails every queued task with it) when the client is disconnected.
    /// </summary>
    public void Execute()
    {
        if (_executed)
        {
            throw new InvalidOperationException("This batch has already been executed.");
        }

        if (_broken)
        {
            throw new InvalidOperationException("A command failed while being queued; the batch cannot be sent.");
        }

        _executed = true;
        if (_operations.Count == 0)
        {
            return;
        }

        try
        {
            _client.PickConnection().WriteBatch(_buffer.WrittenSpan, _operations);
        }
        catch (RedisUnavailableException ex)
        {
            foreach (var operation in _operations)
            {
                operation.Fail(ex);
            }

            throw;
        }
    }

    internal override ICommandSink GetSink() => this;

    IBufferWriter<byte> ICommandSink.BeginWrite() =>
        _executed ? throw new InvalidOperationException("This batch has already been executed.") : _buffer;

    void ICommandSink.Enqueue(PendingOperation operation) => _operations.Add(operation);

    void ICommandSink.EndWrite(bool complete) => _broken |= !complete;
}
