using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Scoring.Redis;

namespace Scoring.Benchmarks.Redis;

/// <summary>
/// One awaited command at a time through the real client against a local redis-server
/// (started here on a free port): the allocation column is the client's whole per-call cost,
/// I/O included. Budget: GetIntoAsync = the pending operation only.
/// Run: dotnet run -c Release --project load-tests/Scoring.Benchmarks -- --filter '*RedisClientBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class RedisClientBenchmarks
{
    private const string Key = "bench:blob";
    private readonly byte[] _destination = new byte[4096];
    private Process? _server;
    private RedisClient? _client;
    private LuaScript? _script;
    private string[] _keys = [];

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
                _client = await RedisClient.ConnectAsync(new RedisOptions { Endpoint = $"127.0.0.1:{port}" });
                break;
            }
            catch (RedisUnavailableException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }

        await _client.SetAsync(Key, new byte[1500]);
        await _client.HashSetAsync(Key + ":h", "features", new byte[1500]);
        _script = new LuaScript("return redis.call('STRLEN', KEYS[1])");
        _keys = [Key];
        await _script.LoadAsync(_client);
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
    public ValueTask<int> GetIntoCallerBuffer() => _client!.GetIntoAsync(Key, _destination);

    [Benchmark]
    public async Task<int> HashGetLease()
    {
        using var lease = await _client!.HashGetLeaseAsync(Key + ":h", "features");
        return lease!.Length;
    }

    [Benchmark]
    public ValueTask<long> EvalShaInt64() => _client!.EvalShaInt64Async(_script!.Sha1, _keys);
}
