using System.Diagnostics;
using System.Threading.Tasks.Sources;
using Scoring.Redis.Protocol;

namespace Scoring.Redis.Internal;

/// <summary>Decodes one reply into a typed result (static lambdas, so no allocation per call).</summary>
internal delegate T ReplyReader<T>(ref RespReader reader);

/// <summary>
/// A command waiting for its reply. Replies arrive in the order commands were written, so the
/// connection keeps these in a FIFO. An operation completes exactly once: by its reply, its
/// timeout, its caller's cancellation, or the connection failing; a late reply is then discarded.
/// </summary>
internal abstract class PendingOperation
{
    private int _completed;

    protected PendingOperation(string command) => Command = command;

    /// <summary>Command name for error messages (never arguments: they may hold customer data).</summary>
    public string Command { get; }

    /// <summary><see cref="Stopwatch"/> timestamp when the command was written.</summary>
    public long StartedAt { get; set; }

    /// <summary>Timeout in <see cref="Stopwatch"/> ticks; blocking commands add their block time.</summary>
    public long TimeoutTicks { get; set; }

    /// <summary>Extra time allowed beyond the command timeout (XREADGROUP BLOCK).</summary>
    public TimeSpan ExtraTimeout { get; init; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Called by the reader loop with exactly one framed reply.</summary>
    public abstract void OnReply(ReadOnlySpan<byte> reply);

    /// <summary>Fails the operation unless it already completed.</summary>
    public abstract void Fail(Exception exception);

    public abstract void RegisterCancellation(CancellationToken cancellationToken);

    protected bool TryClaim() => Interlocked.Exchange(ref _completed, 1) == 0;
}

/// <summary>A pending operation that produces a <typeparamref name="T"/> through a <see cref="ValueTask{T}"/>.</summary>
internal class PendingOperation<T> : PendingOperation, IValueTaskSource<T>
{
    private readonly ReplyReader<T>? _read;
    private ManualResetValueTaskSourceCore<T> _core;
    private CancellationTokenRegistration _cancellation;

    public PendingOperation(string command, ReplyReader<T>? read)
        : base(command)
    {
        _read = read;
        // Never run callers' continuations on the connection's reader loop.
        _core.RunContinuationsAsynchronously = true;
    }

    public ValueTask<T> Task => new(this, _core.Version);

    public override void OnReply(ReadOnlySpan<byte> reply)
    {
        if (IsCompleted)
        {
            return;
        }

        T value;
        try
        {
            var reader = new RespReader(reply);
            if (reader.TryReadError(out var error))
            {
                Fail(error!);
                return;
            }

            value = Read(ref reader);
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException)
        {
            Fail(ex);
            return;
        }
        catch (Exception ex)
        {
            // The reply was framed, so the connection is still in step: only this caller fails.
            Fail(new RedisProtocolException($"The reply to {Command} has an unexpected shape: {ex.Message}", ex));
            return;
        }

        if (TryClaim())
        {
            _cancellation.Dispose();
            _core.SetResult(value);
        }
        else if (value is IDisposable disposable)
        {
            // Timed out or cancelled meanwhile: return a pooled buffer nobody will read.
            disposable.Dispose();
        }
    }

    /// <summary>Decodes the (non-error) reply; subclasses with per-call state override it.</summary>
    protected virtual T Read(ref RespReader reader) => _read!(ref reader);

    public override void Fail(Exception exception)
    {
        if (TryClaim())
        {
            _cancellation.Unregister();
            _core.SetException(exception);
        }
    }

    public override void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingOperation)state!).Fail(new OperationCanceledException(token)), this);
        }
    }

    T IValueTaskSource<T>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>GET/HGET copied into the caller's buffer: the buffer lives in the operation, so no closure is allocated.</summary>
internal sealed class ReadIntoOperation(string command, Memory<byte> destination) : PendingOperation<int>(command, null)
{
    protected override int Read(ref RespReader reader) => reader.ReadInto(destination.Span);
}
