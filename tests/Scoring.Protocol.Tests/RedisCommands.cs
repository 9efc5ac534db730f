using System.Net.Sockets;
using System.Text;
using Scoring.Testing;

namespace Scoring.Protocol.Tests;

/// <summary>A few raw RESP commands against the test's redis-server (DEBUG SLEEP, SET), on a connection of their own.</summary>
public static class RedisCommands
{
    /// <summary>
    /// Sends DEBUG SLEEP without waiting: Redis runs one command at a time, so every command the
    /// service sends after this one waits the whole sleep. Dispose the returned connection after
    /// awaiting <see cref="SleepingRedis.Finished"/>.
    /// </summary>
    public static async Task<SleepingRedis> SleepAsync(RedisServer redis, TimeSpan duration)
    {
        var client = new TcpClient();
        await client.ConnectAsync(redis.Host, redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Command("DEBUG", "SLEEP", duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
        return new SleepingRedis(client, ReadLineAsync(stream));
    }

    /// <summary>Runs one command and returns its first reply line (e.g. "+OK").</summary>
    public static async Task<string> RunAsync(RedisServer redis, params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(redis.Host, redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Command(arguments));
        return await ReadLineAsync(stream);
    }

    private static byte[] Command(params string[] arguments)
    {
        // RESP array of bulk strings.
        var text = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                break;
            }

            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }
}

/// <summary>A Redis busy in DEBUG SLEEP; <see cref="Finished"/> completes when it answers again.</summary>
public sealed class SleepingRedis(TcpClient client, Task<string> reply) : IDisposable
{
    public Task<string> Finished => reply;

    public void Dispose() => client.Dispose();
}
