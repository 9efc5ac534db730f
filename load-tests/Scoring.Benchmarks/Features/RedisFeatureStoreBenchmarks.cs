using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Google.Protobuf.WellKnownTypes;
using Scoring.Features.Store;
using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Benchmarks.Features;

/// <summary>
/// The store against a private redis-server (started here on a free port, no persistence):
/// a pipelined read of 1,000 one-year customers, one customer's read as GetScores does it
/// (pooled lease, decoded into the per-thread state, 49 features), and ingesting a batch of 100
/// purchases spread over 100 of them (read, apply, compare-and-set).
/// Run: load-tests/features/run-benchmarks.sh --filter '*RedisFeatureStoreBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class RedisFeatureStoreBenchmarks
{
    private const int Customers = 1000;
    private Process? _redis;
    private ConnectionMultiplexer _client = null!;
    private RedisFeatureStore _store = null!;
    private string[] _ids = [];
    private Event[] _batch = [];
    private long _next;

    // Synchronous entry points: the in-process toolchain did not await an async GlobalSetup
    // before the second benchmark's workload (seen as a null store); harness code only.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var port = FreePort();
        _redis = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        for (var i = 0; ; i++)
        {
            try
            {
                _client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
                break;
            }
            catch (Exception) when (i < 100)
            {
                await Task.Delay(100);
            }
        }

        _store = new RedisFeatureStore(_client.GetDatabase(), new FeatureStoreOptions { Clock = FeatureBenchmarkData.Options.Clock });
        // One typical year, stored under 1,000 ids (the state bytes are what matter for I/O).
        var value = StoredValue.Compose(1, FeatureBenchmarkData.TypicalYearState());
        _ids = Enumerable.Range(0, Customers).Select(i => $"bench-{i}").ToArray();
        foreach (var id in _ids)
        {
            await _client.GetDatabase().StringSetAsync(RedisFeatureStore.KeyOf(id), value);
        }

        _batch = Enumerable.Range(0, 100).Select(i => new Event
        {
            CustomerId = _ids[i * 10],
            EventTime = Timestamp.FromDateTimeOffset(FeatureBenchmarkData.End),
            Transaction = new Transaction { Kind = TransactionKind.Purchase, Amount = 25, Currency = "CNY", MerchantCategory = MerchantCategory.Grocery },
        }).ToArray();
    }

    private async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        _redis?.Kill();
        _redis?.Dispose();
    }

    [Benchmark]
    public async Task<int> ReadThousandCustomers() => (await _store.GetFeaturesAsync(_ids, FeatureBenchmarkData.End)).Length;

    [Benchmark]
    public async Task<float> ReadOneCustomer()
    {
        var id = _ids[(int)(Interlocked.Increment(ref _next) % Customers)];
        using var stored = await _store.GetStoredValueAsync(id);
        return RedisFeatureStore.ReadState(stored!).ComputeFeatures(FeatureBenchmarkData.End)[0];
    }

    [Benchmark]
    public async Task<long> IngestHundredEvents()
    {
        var n = Interlocked.Increment(ref _next);
        for (var i = 0; i < _batch.Length; i++)
        {
            // An hour later per call: each customer's id set stays at its 7-day steady size.
            _batch[i].EventId = $"ingest-{n}-{i}";
            _batch[i].EventTime.Seconds = FeatureBenchmarkData.End.ToUnixTimeSeconds() + (n * 3600);
        }

        return (await _store.IngestAsync(_batch)).Applied;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
