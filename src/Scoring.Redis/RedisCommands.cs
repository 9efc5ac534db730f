using Scoring.Redis.Internal;

namespace Scoring.Redis;

/// <summary>How SET treats an existing key.</summary>
public enum RedisSetCondition
{
    /// <summary>Always write.</summary>
    Always,

    /// <summary>NX: only if the key does not exist.</summary>
    IfNotExists,

    /// <summary>XX: only if the key exists.</summary>
    IfExists,
}

/// <summary>
/// Typed commands, shared by <see cref="RedisClient"/> (sent at once, pipelined with other
/// callers) and <see cref="RedisBatch"/> (sent together on <see cref="RedisBatch.Execute"/>).
/// Each method writes its command straight into the output buffer and returns a
/// <see cref="ValueTask{T}"/> completed by the reply; while disconnected a client's methods
/// throw <see cref="RedisUnavailableException"/> at once. Error replies surface as
/// <see cref="RedisServerException"/>.
/// </summary>
public abstract partial class RedisCommands
{
    private protected RedisCommands()
    {
    }

    /// <summary>PING; returns the server's answer (PONG).</summary>
    public ValueTask<string?> PingAsync(CancellationToken cancellationToken = default)
    {
        var op = new PendingOperation<string?>("PING", Replies.String);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$4\r\nPING\r\n"u8, 0);
            w.End();
        }

        return op.Task;
    }

    /// <summary>GET as a new byte array (null when the key does not exist).</summary>
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Key1("GET", "$3\r\nGET\r\n"u8, key, Replies.Bytes, cancellationToken);

    /// <summary>GET decoded as UTF-8 text.</summary>
    public ValueTask<string?> GetStringAsync(string key, CancellationToken cancellationToken = default) =>
        Key1("GET", "$3\r\nGET\r\n"u8, key, Replies.String, cancellationToken);

    /// <summary>GET into a pooled buffer; dispose the lease when done (null when missing).</summary>
    public ValueTask<RedisLease?> GetLeaseAsync(string key, CancellationToken cancellationToken = default) =>
        Key1("GET", "$3\r\nGET\r\n"u8, key, Replies.Lease, cancellationToken);

    /// <summary>
    /// GET copied into the caller's buffer; returns the length, or -1 when the key does not exist.
    /// Fails with <see cref="ArgumentException"/> if the value is larger than the buffer.
    /// The buffer must stay valid until the task completes.
    /// </summary>
    public ValueTask<int> GetIntoAsync(string key, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        Key1(new ReadIntoOperation("GET", destination), "$3\r\nGET\r\n"u8, key, cancellationToken);

    /// <summary>SET with optional expiry (PX) and NX/XX; returns false when the condition prevented the write.</summary>
    public ValueTask<bool> SetAsync(string key, RedisValue value, TimeSpan? expiry = null, RedisSetCondition condition = RedisSetCondition.Always, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var expiryMs = expiry is { } e ? ExpiryMilliseconds(e, nameof(expiry)) : 0;
        var op = new PendingOperation<bool>("SET", Replies.OkOrNull);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$3\r\nSET\r\n"u8, 2 + (expiry is null ? 0 : 2) + (condition == RedisSetCondition.Always ? 0 : 1));
            w.Arg(key);
            w.Arg(value);
            if (expiry is not null)
            {
                w.Raw("$2\r\nPX\r\n"u8);
                w.Arg(expiryMs);
            }

            if (condition == RedisSetCondition.IfNotExists)
            {
                w.Raw("$2\r\nNX\r\n"u8);
            }
            else if (condition == RedisSetCondition.IfExists)
            {
                w.Raw("$2\r\nXX\r\n"u8);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>MGET; one element per key, null where missing.</summary>
    public ValueTask<byte[]?[]> GetManyAsync(ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        KeysN("MGET", "$4\r\nMGET\r\n"u8, keys, Replies.BytesArray, cancellationToken);

    /// <summary>DEL; returns how many keys were removed.</summary>
    public ValueTask<long> DeleteAsync(ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        KeysN("DEL", "$3\r\nDEL\r\n"u8, keys, Replies.Int64, cancellationToken);

    /// <summary>DEL of one key; true if it existed.</summary>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await Key1("DEL", "$3\r\nDEL\r\n"u8, key, Replies.Int64, cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>EXISTS; returns how many of the keys exist.</summary>
    public ValueTask<long> ExistsAsync(ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        KeysN("EXISTS", "$6\r\nEXISTS\r\n"u8, keys, Replies.Int64, cancellationToken);

    /// <summary>EXPIRE (whole seconds) or PEXPIRE (otherwise); true if the key exists.</summary>
    public ValueTask<bool> ExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ms = ExpiryMilliseconds(expiry, nameof(expiry));
        var op = new PendingOperation<bool>("EXPIRE", Replies.Boolean);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            if (ms % 1000 == 0)
            {
                w.Command("$6\r\nEXPIRE\r\n"u8, 2);
                w.Arg(key);
                w.Arg(ms / 1000);
            }
            else
            {
                w.Command("$7\r\nPEXPIRE\r\n"u8, 2);
                w.Arg(key);
                w.Arg(ms);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>INCRBY; returns the new value.</summary>
    public ValueTask<long> IncrementByAsync(string key, long increment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var op = new PendingOperation<long>("INCRBY", Replies.Int64);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$6\r\nINCRBY\r\n"u8, 2);
            w.Arg(key);
            w.Arg(increment);
            w.End();
        }

        return op.Task;
    }

    /// <summary>HGET as a new byte array (null when missing).</summary>
    public ValueTask<byte[]?> HashGetAsync(string key, string field, CancellationToken cancellationToken = default) =>
        Key2("HGET", "$4\r\nHGET\r\n"u8, key, field, Replies.Bytes, cancellationToken);

    /// <summary>HGET decoded as UTF-8 text.</summary>
    public ValueTask<string?> HashGetStringAsync(string key, string field, CancellationToken cancellationToken = default) =>
        Key2("HGET", "$4\r\nHGET\r\n"u8, key, field, Replies.String, cancellationToken);

    /// <summary>HGET into a pooled buffer; dispose the lease when done (null when missing).</summary>
    public ValueTask<RedisLease?> HashGetLeaseAsync(string key, string field, CancellationToken cancellationToken = default) =>
        Key2("HGET", "$4\r\nHGET\r\n"u8, key, field, Replies.Lease, cancellationToken);

    /// <summary>HGET copied into the caller's buffer; returns the length or -1 when missing.</summary>
    public ValueTask<int> HashGetIntoAsync(string key, string field, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        Key2(new ReadIntoOperation("HGET", destination), "$4\r\nHGET\r\n"u8, key, field, cancellationToken);

    /// <summary>HSET of one field; true when the field is new.</summary>
    public ValueTask<bool> HashSetAsync(string key, string field, RedisValue value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(field);
        var op = new PendingOperation<bool>("HSET", Replies.Boolean);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$4\r\nHSET\r\n"u8, 3);
            w.Arg(key);
            w.Arg(field);
            w.Arg(value);
            w.End();
        }

        return op.Task;
    }

    /// <summary>HSET of several fields; returns the number of new fields.</summary>
    public ValueTask<long> HashSetAsync(string key, ReadOnlySpan<KeyValuePair<string, RedisValue>> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (fields.IsEmpty)
        {
            throw new ArgumentException("HSET needs at least one field.", nameof(fields));
        }

        foreach (var field in fields)
        {
            ArgumentNullException.ThrowIfNull(field.Key, nameof(fields));
        }

        var op = new PendingOperation<long>("HSET", Replies.Int64);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$4\r\nHSET\r\n"u8, 1 + (2 * fields.Length));
            w.Arg(key);
            foreach (var field in fields)
            {
                w.Arg(field.Key);
                w.Arg(field.Value);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>HMGET; one element per field, null where missing.</summary>
    public ValueTask<byte[]?[]> HashGetManyAsync(string key, ReadOnlySpan<string> fields, CancellationToken cancellationToken = default) =>
        KeyAndN("HMGET", "$5\r\nHMGET\r\n"u8, key, fields, Replies.BytesArray, cancellationToken);

    /// <summary>HGETALL as field/value pairs (RESP2 arrays and RESP3 maps alike).</summary>
    public ValueTask<KeyValuePair<string, byte[]>[]> HashGetAllAsync(string key, CancellationToken cancellationToken = default) =>
        Key1("HGETALL", "$7\r\nHGETALL\r\n"u8, key, Replies.HashEntries, cancellationToken);

    /// <summary>HDEL; returns how many fields were removed.</summary>
    public ValueTask<long> HashDeleteAsync(string key, ReadOnlySpan<string> fields, CancellationToken cancellationToken = default) =>
        KeyAndN("HDEL", "$4\r\nHDEL\r\n"u8, key, fields, Replies.Int64, cancellationToken);

    /// <summary>MEMORY USAGE (bytes, including overhead); null when the key does not exist.</summary>
    public ValueTask<long?> MemoryUsageAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var op = new PendingOperation<long?>("MEMORY", Replies.NullableInt64);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$6\r\nMEMORY\r\n"u8, 2);
            w.Raw("$5\r\nUSAGE\r\n"u8);
            w.Arg(key);
            w.End();
        }

        return op.Task;
    }

    /// <summary>INFO [section] as text.</summary>
    public ValueTask<string?> InfoAsync(string? section = null, CancellationToken cancellationToken = default)
    {
        var op = new PendingOperation<string?>("INFO", Replies.String);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$4\r\nINFO\r\n"u8, section is null ? 0 : 1);
            if (section is not null)
            {
                w.Arg(section);
            }

            w.End();
        }

        return op.Task;
    }

    /// <summary>FLUSHDB: deletes every key of the selected database.</summary>
    public ValueTask<bool> FlushDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var op = new PendingOperation<bool>("FLUSHDB", Replies.Status);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$7\r\nFLUSHDB\r\n"u8, 0);
            w.End();
        }

        return op.Task;
    }

    /// <summary>EVAL of a script source; the reply as a <see cref="RedisResult"/>.</summary>
    public ValueTask<RedisResult> EvalAsync(string script, ReadOnlySpan<string> keys = default, ReadOnlySpan<RedisValue> args = default, CancellationToken cancellationToken = default) =>
        Script("EVAL", "$4\r\nEVAL\r\n"u8, script, keys, args, Replies.Result, cancellationToken);

    /// <summary>EVALSHA of a loaded script; fails with NOSCRIPT when the server does not know it.</summary>
    public ValueTask<RedisResult> EvalShaAsync(string sha1, ReadOnlySpan<string> keys = default, ReadOnlySpan<RedisValue> args = default, CancellationToken cancellationToken = default) =>
        Script("EVALSHA", "$7\r\nEVALSHA\r\n"u8, sha1, keys, args, Replies.Result, cancellationToken);

    /// <summary>EVALSHA returning an integer reply.</summary>
    public ValueTask<long> EvalShaInt64Async(string sha1, ReadOnlySpan<string> keys = default, ReadOnlySpan<RedisValue> args = default, CancellationToken cancellationToken = default) =>
        Script("EVALSHA", "$7\r\nEVALSHA\r\n"u8, sha1, keys, args, Replies.Int64, cancellationToken);

    /// <summary>SCRIPT LOAD; returns the SHA1 the server computed.</summary>
    public ValueTask<string?> ScriptLoadAsync(string script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var op = new PendingOperation<string?>("SCRIPT", Replies.String);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$6\r\nSCRIPT\r\n"u8, 2);
            w.Raw("$4\r\nLOAD\r\n"u8);
            w.Arg(script);
            w.End();
        }

        return op.Task;
    }

    /// <summary>SCRIPT FLUSH: forgets every cached script.</summary>
    public ValueTask<bool> ScriptFlushAsync(CancellationToken cancellationToken = default)
    {
        var op = new PendingOperation<bool>("SCRIPT", Replies.Status);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command("$6\r\nSCRIPT\r\n"u8, 1);
            w.Raw("$5\r\nFLUSH\r\n"u8);
            w.End();
        }

        return op.Task;
    }

    /// <summary>
    /// Any command, e.g. <c>ExecuteAsync("ZADD", "k", 1.5, "m")</c>. Do not use it for commands
    /// that change connection state (SELECT, SUBSCRIBE, MULTI, CLIENT REPLY): the connection is
    /// shared by other callers.
    /// </summary>
    public ValueTask<RedisResult> ExecuteAsync(string command, params ReadOnlySpan<RedisValue> args) =>
        ExecuteAsync(command, CancellationToken.None, args);

    /// <summary>Any command, with a cancellation token.</summary>
    public ValueTask<RedisResult> ExecuteAsync(string command, CancellationToken cancellationToken, params ReadOnlySpan<RedisValue> args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var op = new PendingOperation<RedisResult>(command, Replies.Result);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Protocol.RespWriter.WriteArrayHeader(w.Output, parts.Length + args.Length);
            foreach (var part in parts)
            {
                Protocol.RespWriter.WriteBulk(w.Output, part);
            }

            w.SetRemaining(args.Length);
            foreach (var arg in args)
            {
                w.Arg(arg);
            }

            w.End();
        }

        return op.Task;
    }

    internal abstract ICommandSink GetSink();

    internal static long ExpiryMilliseconds(TimeSpan expiry, string parameter)
    {
        var ms = (long)Math.Ceiling(expiry.TotalMilliseconds);
        return ms > 0 ? ms : throw new ArgumentOutOfRangeException(parameter, expiry, "The expiry must be positive.");
    }

    private protected ValueTask<T> Key1<T>(string name, ReadOnlySpan<byte> framedName, string key, ReplyReader<T> read, CancellationToken cancellationToken) =>
        Key1(new PendingOperation<T>(name, read), framedName, key, cancellationToken);

    private protected ValueTask<T> Key1<T>(PendingOperation<T> op, ReadOnlySpan<byte> framedName, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command(framedName, 1);
            w.Arg(key);
            w.End();
        }

        return op.Task;
    }

    private protected ValueTask<T> Key2<T>(string name, ReadOnlySpan<byte> framedName, string key, string arg, ReplyReader<T> read, CancellationToken cancellationToken) =>
        Key2(new PendingOperation<T>(name, read), framedName, key, arg, cancellationToken);

    private protected ValueTask<T> Key2<T>(PendingOperation<T> op, ReadOnlySpan<byte> framedName, string key, string arg, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(arg);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command(framedName, 2);
            w.Arg(key);
            w.Arg(arg);
            w.End();
        }

        return op.Task;
    }

    private protected ValueTask<T> KeysN<T>(string name, ReadOnlySpan<byte> framedName, ReadOnlySpan<string> keys, ReplyReader<T> read, CancellationToken cancellationToken)
    {
        if (keys.IsEmpty)
        {
            throw new ArgumentException($"{name} needs at least one key.", nameof(keys));
        }

        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
        }

        var op = new PendingOperation<T>(name, read);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command(framedName, keys.Length);
            foreach (var key in keys)
            {
                w.Arg(key);
            }

            w.End();
        }

        return op.Task;
    }

    private protected ValueTask<T> KeyAndN<T>(string name, ReadOnlySpan<byte> framedName, string key, ReadOnlySpan<string> args, ReplyReader<T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (args.IsEmpty)
        {
            throw new ArgumentException($"{name} needs at least one field.", nameof(args));
        }

        foreach (var arg in args)
        {
            ArgumentNullException.ThrowIfNull(arg, nameof(args));
        }

        var op = new PendingOperation<T>(name, read);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command(framedName, 1 + args.Length);
            w.Arg(key);
            foreach (var arg in args)
            {
                w.Arg(arg);
            }

            w.End();
        }

        return op.Task;
    }

    private protected ValueTask<T> Script<T>(string name, ReadOnlySpan<byte> framedName, string scriptOrSha, ReadOnlySpan<string> keys, ReadOnlySpan<RedisValue> args, ReplyReader<T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scriptOrSha);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
        }

        var op = new PendingOperation<T>(name, read);
        using (var w = new CommandWriter(GetSink(), op, cancellationToken))
        {
            w.Command(framedName, 2 + keys.Length + args.Length);
            w.Arg(scriptOrSha);
            w.Arg(keys.Length);
            foreach (var key in keys)
            {
                w.Arg(key);
            }

            foreach (var arg in args)
            {
                w.Arg(arg);
            }

            w.End();
        }

        return op.Task;
    }
}
