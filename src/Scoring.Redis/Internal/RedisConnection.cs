using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Scoring.Redis.Protocol;

namespace Scoring.Redis.Internal;

/// <summary>
/// One physical, multiplexed connection. Callers write commands into an in-memory pipe under a
/// short lock and queue their <see cref="PendingOperation"/> in the same critical section, so the
/// FIFO order matches the wire order; a send loop drains the pipe to the socket (commands that
/// arrive while a send is in progress go out together in the next one), and a single read loop
/// frames replies and completes operations in order. Any I/O or protocol failure ends the
/// connection and fails everything in flight; the owning slot reconnects.
/// </summary>
internal sealed class RedisConnection : ICommandSink, IAsyncDisposable
{
    private const int SendCoalesceLimit = 64 * 1024;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentQueue<PendingOperation> _pending = new();
    private readonly Pipe _output = new(new PipeOptions(
        pauseWriterThreshold: 0, // FlushAsync never waits, so writers never block on the lock
        resumeWriterThreshold: 0,
        minimumSegmentSize: 16 * 1024,
        useSynchronizationContext: false));
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly RespLimits _limits;
    private readonly long _defaultTimeoutTicks;
    private readonly TimeSpan _commandTimeout;
    private readonly Action<RedisConnection, Exception>? _onFailed;
    private readonly Action<RedisResult>? _onPush;
    private readonly Timer _heartbeat;
    private Exception? _failure;
    private long _lastReadAt;
    private Task _readLoop = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;

    private RedisConnection(Socket socket, Stream stream, string endpoint, RedisOptions options, Action<RedisConnection, Exception>? onFailed, Action<RedisResult>? onPush)
    {
        _socket = socket;
        _stream = stream;
        Endpoint = endpoint;
        _limits = new RespLimits(options.MaxBulkLength, options.MaxAggregateLength, options.MaxNestingDepth, RespLimits.Default.MaxLineLength);
        _commandTimeout = options.CommandTimeout;
        _defaultTimeoutTicks = ToTicks(options.CommandTimeout);
        _onFailed = onFailed;
        _onPush = onPush;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _lastReadAt = Stopwatch.GetTimestamp();
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.CommandTimeout.TotalMilliseconds / 4, 10, 500));
        _heartbeat = new Timer(static s => ((RedisConnection)s!).OnHeartbeat(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _heartbeat.Change(period, period);
    }

    public string Endpoint { get; }

    public bool IsHealthy => Volatile.Read(ref _failure) is null;

    public Exception? Failure => Volatile.Read(ref _failure);

    public int PendingCount => _pending.Count;

    /// <summary>Connects, negotiates TLS and runs the handshake (HELLO/AUTH, CLIENT SETNAME, SELECT).</summary>
    public static async Task<RedisConnection> ConnectAsync(
        RedisOptions options,
        Action<RedisConnection, Exception>? onFailed,
        Action<RedisResult>? onPush,
        CancellationToken cancellationToken)
    {
        var (host, port) = options.ParseEndpoint();
        var endpoint = $"{host}:{port}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        RedisConnection? connection = null;
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.UseTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.TlsServerName ?? host,
                        ClientCertificates = options.TlsClientCertificate is { } cert ? new X509CertificateCollection { cert } : null,
                        RemoteCertificateValidationCallback = options.TlsCertificateValidation,
                    },
                    timeout.Token).ConfigureAwait(false);
            }

            connection = new RedisConnection(socket, stream, endpoint, options, onFailed, onPush);
            connection.Start();
            await connection.HandshakeAsync(options).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            if (ex is RedisServerException)
            {
                throw; // e.g. WRONGPASS: a configuration problem, reported as the server said it
            }

            var reason = ex is OperationCanceledException ? $"timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms" : ex.Message;
            throw new RedisUnavailableException($"Could not connect to Redis at {endpoint}: {reason}", ex);
        }
    }

    IBufferWriter<byte> ICommandSink.BeginWrite()
    {
        _writeLock.Enter();
        if (_failure is { } failure)
        {
            _writeLock.Exit();
            throw Unavailable(failure);
        }

        return _output.Writer;
    }

    void ICommandSink.Enqueue(PendingOperation operation)
    {
        operation.StartedAt = Stopwatch.GetTimestamp();
        operation.TimeoutTicks = _defaultTimeoutTicks + ToTicks(operation.ExtraTimeout);
        _pending.Enqueue(operation);
    }

    void ICommandSink.EndWrite(bool complete)
    {
        if (!complete)
        {
            // Half a command is in the pipe: the byte stream can no longer be trusted.
            _writeLock.Exit();
            Fail(new RedisProtocolException("A command failed while being written; the connection was closed to keep replies in step."));
            return;
        }

        Flush();
        _writeLock.Exit();
    }

    /// <summary>Writes pre-encoded commands (a batch) and queues their operations in one critical section.</summary>
    public void WriteBatch(ReadOnlySpan<byte> commands, List<PendingOperation> operations)
    {
        _writeLock.Enter();
        try
        {
            if (_failure is { } failure)
            {
                throw Unavailable(failure);
            }

            _output.Writer.Write(commands);
            var now = Stopwatch.GetTimestamp();
            foreach (var operation in operations)
            {
                operation.StartedAt = now;
                operation.TimeoutTicks = _defaultTimeoutTicks + ToTicks(operation.ExtraTimeout);
                _pending.Enqueue(operation);
            }

            Flush();
        }
        finally
        {
            _writeLock.Exit();
        }
    }

    /// <summary>Ends the connection: fails every pending operation, closes the socket, notifies the owner.</summary>
    public void Fail(Exception cause)
    {
        lock (_writeLock)
        {
            if (_failure is not null)
            {
                return;
            }

            Volatile.Write(ref _failure, cause);
            _output.Writer.Complete();
        }

        _heartbeat.Dispose();
        var error = Unavailable(cause);
        while (_pending.TryDequeue(out var operation))
        {
            operation.Fail(error);
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        _socket.Dispose();
        _onFailed?.Invoke(this, cause);
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new RedisUnavailableException($"The connection to Redis at {Endpoint} was closed by the client."));
        try
        {
            await Task.WhenAll(_readLoop, _sendLoop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The loops report through Fail; nothing more to do here.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static long ToTicks(TimeSpan value) => (long)(value.TotalSeconds * Stopwatch.Frequency);

    private RedisUnavailableException Unavailable(Exception cause) => cause as RedisUnavailableException
        ?? new RedisUnavailableException($"The connection to Redis at {Endpoint} was lost: {cause.Message}", cause);

    private void Flush()
    {
        var flush = _output.Writer.FlushAsync();
        if (!flush.IsCompleted)
        {
            // Cannot happen with pauseWriterThreshold 0; observe it anyway rather than leak.
            _ = flush.AsTask();
        }
    }

    private void Start()
    {
        _sendLoop = Task.Run(SendLoopAsync);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    private ValueTask<bool> HandshakeAsync(RedisOptions options)
    {
        var steps = new List<ValueTask<bool>>();
        if (options.Protocol == 3)
        {
            var hello = new PendingOperation<bool>("HELLO", static (ref RespReader r) =>
            {
                r.ReadHeader();
                r.SkipBody();
                return true;
            });
            var args = 1 + (options.Password is null ? 0 : 3) + (options.ClientName is null ? 0 : 2);
            using (var w = new CommandWriter(this, hello, CancellationToken.None))
            {
                w.Command("$5\r\nHELLO\r\n"u8, args);
                w.Arg(3);
                if (options.Password is not null)
                {
                    w.Raw("$4\r\nAUTH\r\n"u8);
                    w.Arg(options.User ?? "default");
                    w.Arg(options.Password);
                }

                if (options.ClientName is not null)
                {
                    w.Raw("$7\r\nSETNAME\r\n"u8);
                    w.Arg(options.ClientName);
                }

                w.End();
            }

            steps.Add(hello.Task);
        }
        else
        {
            if (options.Password is not null)
            {
                var auth = new PendingOperation<bool>("AUTH", Replies.Status);
                using (var w = new CommandWriter(this, auth, CancellationToken.None))
                {
                    w.Command("$4\r\nAUTH\r\n"u8, options.User is null ? 1 : 2);
                    if (options.User is not null)
                    {
                        w.Arg(options.User);
                    }

                    w.Arg(options.Password);
                    w.End();
                }

                steps.Add(auth.Task);
            }

            if (options.ClientName is not null)
            {
                var setName = new PendingOperation<bool>("CLIENT", Replies.Status);
                using (var w = new CommandWriter(this, setName, CancellationToken.None))
                {
                    w.Command("$6\r\nCLIENT\r\n"u8, 2);
                    w.Raw("$7\r\nSETNAME\r\n"u8);
                    w.Arg(options.ClientName);
                    w.End();
                }

                steps.Add(setName.Task);
            }
        }

        if (options.Database != 0)
        {
            var select = new PendingOperation<bool>("SELECT", Replies.Status);
            using (var w = new CommandWriter(this, select, CancellationToken.None))
            {
                w.Command("$6\r\nSELECT\r\n"u8, 1);
                w.Arg(options.Database);
                w.End();
            }

            steps.Add(select.Task);
        }

        if (steps.Count == 0)
        {
            // Prove the connection works end to end before reporting it connected (with TLS 1.3
            // a rejected client certificate only shows after the handshake).
            var ping = new PendingOperation<bool>("PING", Replies.Status);
            using (var w = new CommandWriter(this, ping, CancellationToken.None))
            {
                w.Command("$4\r\nPING\r\n"u8, 0);
                w.End();
            }

            steps.Add(ping.Task);
        }

        return AwaitAll(steps);

        static async ValueTask<bool> AwaitAll(List<ValueTask<bool>> steps)
        {
            // Await every step (each ValueTask exactly once) and report the first error.
            Exception? first = null;
            foreach (var step in steps)
            {
                try
                {
                    await step.ConfigureAwait(false);
                }
                catch (RedisException ex)
                {
                    first ??= ex;
                }
            }

            return first is null ? true : throw first;
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await SendAsync(buffer).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever stops the send loop must end the connection, or callers would wait forever.
            Fail(ex);
        }

        await reader.CompleteAsync().ConfigureAwait(false);
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await _stream.WriteAsync(buffer.First).ConfigureAwait(false);
            return;
        }

        if (buffer.Length <= SendCoalesceLimit)
        {
            // One send (and one TLS record) instead of one per pipe segment.
            var length = (int)buffer.Length;
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                buffer.CopyTo(rented);
                await _stream.WriteAsync(rented.AsMemory(0, length)).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return;
        }

        foreach (var segment in buffer)
        {
            await _stream.WriteAsync(segment).ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception cause;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    Volatile.Write(ref _lastReadAt, Stopwatch.GetTimestamp());
                }

                var consumed = ProcessReplies(buffer);
                _input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    cause = new RedisUnavailableException($"Redis at {Endpoint} closed the connection.");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            cause = ex;
        }

        Fail(cause);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    private SequencePosition ProcessReplies(ReadOnlySequence<byte> buffer)
    {
        while (RespFramer.TryFrame(buffer, _limits, out var end, out var isPush))
        {
            var reply = buffer.Slice(0, end);
            if (isPush)
            {
                DispatchPush(reply);
            }
            else if (_pending.TryDequeue(out var operation))
            {
                Deliver(operation, reply);
            }
            else
            {
                throw new RedisProtocolException($"Redis at {Endpoint} sent a reply that no command was waiting for.");
            }

            buffer = buffer.Slice(end);
        }

        return buffer.Start;
    }

    private static void Deliver(PendingOperation operation, in ReadOnlySequence<byte> reply)
    {
        if (reply.IsSingleSegment)
        {
            operation.OnReply(reply.FirstSpan);
            return;
        }

        // Split across receive segments: decode from one pooled contiguous copy.
        var length = (int)reply.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            reply.CopyTo(rented);
            operation.OnReply(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void DispatchPush(in ReadOnlySequence<byte> reply)
    {
        if (_onPush is null)
        {
            return;
        }

        var reader = new RespReader(reply.ToArray());
        var message = reader.ReadResult();
        try
        {
            _onPush(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A faulty push handler must not kill the connection.
            Trace.TraceWarning("Redis push handler threw {0}", ex.GetType().Name);
        }
    }

    private void OnHeartbeat()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var operation in _pending)
        {
            var age = now - operation.StartedAt;
            if (age < _defaultTimeoutTicks)
            {
                break; // FIFO: everything behind is younger
            }

            if (age >= operation.TimeoutTicks && !operation.IsCompleted)
            {
                operation.Fail(new RedisTimeoutException(
                    $"Redis command {operation.Command} on {Endpoint} timed out after {TimeSpan.FromSeconds((double)operation.TimeoutTicks / Stopwatch.Frequency).TotalMilliseconds:0} ms ({_pending.Count} commands pending)."));
            }
        }

        // Replies come in order: if the oldest command is overdue and nothing at all arrived
        // meanwhile, the peer has stopped answering. Close so the slot reconnects.
        if (_pending.TryPeek(out var head)
            && now - head.StartedAt >= head.TimeoutTicks
            && now - Volatile.Read(ref _lastReadAt) >= head.TimeoutTicks)
        {
            Fail(new RedisTimeoutException($"Redis at {Endpoint} sent nothing for {_commandTimeout.TotalMilliseconds:0} ms while commands were pending; the connection was closed to reconnect."));
        }
    }
}
