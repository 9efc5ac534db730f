using BenchmarkDotNet.Attributes;
using Google.Protobuf.WellKnownTypes;
using Scoring.Features;
using Scoring.V1;

namespace Scoring.Benchmarks.Features;

/// <summary>
/// The per-customer hot paths: applying one event to a one-year state, computing the feature
/// vector at read time (budget: 0 bytes allocated), and the state's binary round trip.
/// Run: dotnet run -c Release --project load-tests/Scoring.Benchmarks -- --filter '*CustomerStateBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class CustomerStateBenchmarks
{
    private const int Pool = 2048;
    private readonly float[] _features = new float[FeatureCatalogue.Count];
    private Event[] _events = [];
    private CustomerState _applyState = null!;
    private CustomerState _yearState = null!;
    private byte[] _serialized = [];
    private DateTimeOffset _readAt;
    private long _next;
    private long _baseSeconds;

    [GlobalSetup]
    public void Setup()
    {
        _yearState = FeatureBenchmarkData.TypicalYearState();
        _applyState = FeatureBenchmarkData.TypicalYearState();
        _serialized = _yearState.Serialize();
        _readAt = FeatureBenchmarkData.End.AddHours(3);
        _baseSeconds = FeatureBenchmarkData.End.ToUnixTimeSeconds();
        // A pool of purchases whose times are moved forward in place (an hour apart), so that the
        // benchmark loop itself allocates nothing; an id comes back after 85 days, long after the
        // 7-day idempotency window forgot it.
        _events = new Event[Pool];
        for (var i = 0; i < Pool; i++)
        {
            _events[i] = new Event
            {
                EventId = $"apply-{i}",
                CustomerId = "bench-1",
                EventTime = new Timestamp { Seconds = _baseSeconds },
                Transaction = new Transaction { Kind = TransactionKind.Purchase, Amount = 42.5 + i, Currency = "CNY", MerchantCategory = MerchantCategory.Dining, Online = (i & 3) == 0 },
            };
        }

        // Two years of hourly events first: the state's lists and id set reach their steady size,
        // so the figure is the per-event cost, not the one-off growth of a young state.
        for (var i = 0; i < 2 * 365 * 24; i++)
        {
            ApplyTypicalEvent();
        }

        _warmState = _applyState.Serialize();
        _warmNext = _next;
    }

    // Event times move an hour per call; millions of calls would pass year 9999, so every
    // RestartAfter calls the warmed state is restored and time starts again from there
    // (one decode per 400,000 calls: nothing in the per-call figure).
    private const long RestartAfter = 400_000;
    private byte[] _warmState = [];
    private long _warmNext;

    /// <summary>One new purchase an hour after the previous one, on a one-year state.</summary>
    [Benchmark]
    public int ApplyTypicalEvent()
    {
        var n = ++_next;
        if (_warmState.Length > 0 && n - _warmNext > RestartAfter)
        {
            _applyState = CustomerState.Deserialize(_warmState);
            _next = _warmNext;
            n = ++_next;
        }

        var e = _events[n & (Pool - 1)];
        e.EventTime.Seconds = _baseSeconds + (n * 3600);
        return (int)_applyState.Apply(e, FeatureBenchmarkData.Options).Outcome;
    }

    [Benchmark]
    public float ComputeFeatures()
    {
        _yearState.ComputeFeatures(_readAt, _features);
        return _features[0];
    }

    [Benchmark]
    public int Serialize() => _yearState.Serialize().Length;

    [Benchmark]
    public DateTimeOffset? Deserialize() => CustomerState.Deserialize(_serialized).Watermark;

    // The read path of GetScores and feature reads: one state per thread, decoded into again.
    private readonly CustomerState _reused = new();

    [Benchmark]
    public DateTimeOffset? DeserializeIntoReused()
    {
        CustomerState.DeserializeInto(_serialized, _reused);
        return _reused.Watermark;
    }
}
