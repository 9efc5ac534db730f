using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Scoring.Benchmarks.Redis;

/// <summary>
/// One awaited command at a time through StackExchange.Redis against a local redis-server
/// (started here on a free port): the allocation column is the library's whole per-call cost,
/// I/O included.
/// Run: dotnet run -c Release --project load-tests/Scoring.Benchmarks -- --filter '*RedisClientBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class RedisClientBenchmarks
{
    private const string Key = "bench:blob";
    private const string Script = "return redis.call('STRLEN', KEYS[1])";
    private static readonly byte[] s_sha1 = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(Script));
    private Process? _server;
    private ConnectionMultiplexer? _client;
    private IDatabase _db = null!;
    private RedisKey[] _keys = [];

    // BenchmarkDotNet's in-process toolchain (needed here: the out-of-process build times out on
    // the loaded 2-core machine) does not await async setup/cleanup, so these block once.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _server = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        });
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
                break;
            }
            catch (RedisConnectionException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }

        _db = _client.GetDatabase();
        await _db.StringSetAsync(Key, new byte[1500]);
        await _db.HashSetAsync(Key + ":h", "features", new byte[1500]);
        _keys = [Key];
        await _db.ScriptEvaluateAsync(Script, _keys, flags: CommandFlags.NoScriptCache);
    }

    private async Task CleanupAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _server?.Kill();
        _server?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> GetLease()
    {
        using var lease = await _db.StringGetLeaseAsync(Key);
        return lease!.Length;
    }

    [Benchmark]
    public async Task<int> HashGetLease()
    {
        using var lease = await _db.HashGetLeaseAsync(Key + ":h", "features");
        return lease!.Length;
    }

    [Benchmark]
    public async Task<long> EvalShaInt64() => (long)await _db.ScriptEvaluateAsync(s_sha1, _keys);
}
