using System.Buffers;

namespace Scoring.Redis.Internal;

/// <summary>Where <see cref="CommandWriter"/> writes: a live connection, or a batch being built.</summary>
internal interface ICommandSink
{
    /// <summary>Starts writing one command; a connection takes its write lock here.</summary>
    IBufferWriter<byte> BeginWrite();

    /// <summary>Queues the operation that will receive the reply of the command just written.</summary>
    void Enqueue(PendingOperation operation);

    /// <summary>Ends the command: flushes and releases the lock. <paramref name="complete"/> is false when writing threw half-way.</summary>
    void EndWrite(bool complete);
}
