using System.Security.Cryptography;
using System.Text;

namespace Scoring.Redis;

/// <summary>
/// A Lua script run with EVALSHA. The SHA1 is computed locally; when the server answers
/// NOSCRIPT (restart, SCRIPT FLUSH, failover) the script is loaded and run once more.
/// </summary>
public sealed class LuaScript
{
    /// <summary>Creates the script and computes its SHA1.</summary>
    public LuaScript(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
#pragma warning disable CA5350 // Redis names scripts by SHA1 (EVALSHA); this is an identifier, not a security use.
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
#pragma warning restore CA5350
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>Lower-case hex SHA1, as Redis reports it.</summary>
    public string Sha1 { get; }

    /// <summary>EVALSHA, falling back to SCRIPT LOAD + EVALSHA once on NOSCRIPT.</summary>
    public async ValueTask<RedisResult> EvaluateAsync(RedisClient client, string[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.EvalShaAsync(Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Prefix == "NOSCRIPT")
        {
            await LoadAsync(client, cancellationToken).ConfigureAwait(false);
            return await client.EvalShaAsync(Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="EvaluateAsync"/> for scripts that return an integer.</summary>
    public async ValueTask<long> EvaluateInt64Async(RedisClient client, string[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.EvalShaInt64Async(Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Prefix == "NOSCRIPT")
        {
            await LoadAsync(client, cancellationToken).ConfigureAwait(false);
            return await client.EvalShaInt64Async(Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SCRIPT LOAD, checking the server computed the same SHA1.</summary>
    public async ValueTask LoadAsync(RedisClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var sha = await client.ScriptLoadAsync(Source, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sha, Sha1, StringComparison.OrdinalIgnoreCase))
        {
            throw new RedisException($"SCRIPT LOAD returned SHA1 {sha}, expected {Sha1}.");
        }
    }
}
