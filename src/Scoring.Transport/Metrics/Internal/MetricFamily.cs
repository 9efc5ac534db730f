using System.Collections.Concurrent;
using System.Text;

namespace Scoring.Transport.Metrics.Internal;

internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>
/// All series of one exported metric name. Recording finds its series through an
/// allocation-free alternate lookup on the tag span; only a new label set allocates.
/// </summary>
internal sealed class MetricFamily
{
    private readonly ConcurrentDictionary<LabelSet, Series> _series = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly ConcurrentDictionary<IdentityKey, Series> _byIdentity = new(IdentityComparer.Instance);
    private readonly ConcurrentDictionary<IdentityKey, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _identityLookup;
    private readonly Func<LabelSet, Series> _createSeries;
    private readonly int _maxSeries;
    private readonly string[] _leLabels;
    private long _dropped;

    public MetricFamily(
        string name, string help, MetricKind kind, bool observable, bool absolute, double[] bounds, int maxSeries)
    {
        Name = name;
        Help = help;
        Kind = kind;
        IsObservable = observable;
        IsAbsolute = absolute;
        Bounds = bounds;
        _maxSeries = maxSeries;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        _identityLookup = _byIdentity.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        _createSeries = _ => new Series(kind == MetricKind.Histogram ? bounds.Length + 1 : 0);
        _leLabels = [.. bounds.Select(PrometheusText.LeLabel), PrometheusText.LeLabel(double.PositiveInfinity)];
    }

    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    /// <summary>Observable instruments report absolute values when the scrape asks for them.</summary>
    public bool IsObservable { get; }

    /// <summary>Measurements are the current value (gauges, observable counters), not increments.</summary>
    public bool IsAbsolute { get; }

    public double[] Bounds { get; }

    /// <summary>Measurements dropped by the cardinality guard.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (GetSeries(tags) is not { } series)
        {
            return;
        }

        switch (Kind)
        {
            case MetricKind.Histogram:
                series.Observe(value, BucketIndex(value));
                break;
            case MetricKind.Counter when !IsAbsolute:
                // A counter only goes up (OpenTelemetry's API contract); ignore negative adds.
                if (value >= 0)
                {
                    series.Add(value);
                }

                break;
            default:
                if (IsAbsolute)
                {
                    series.Set(value);
                }
                else
                {
                    series.Add(value);
                }

                break;
        }
    }

    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Kind == MetricKind.Histogram || IsAbsolute)
        {
            Record((double)value, tags);
            return;
        }

        if ((Kind == MetricKind.Counter && value < 0) || GetSeries(tags) is not { } series)
        {
            return;
        }

        series.Add(value);
    }

    /// <summary>Observable values are re-reported on every scrape; series that stop reporting go away.</summary>
    public void ClearObservations()
    {
        _series.Clear();
        _byIdentity.Clear();
    }

    public void Render(StringBuilder builder)
    {
        if (_series.IsEmpty)
        {
            return;
        }

        // Sorted so that scrapes are stable and diffable.
        var series = _series.ToArray();
        Array.Sort(series, static (a, b) => string.CompareOrdinal(a.Key.Rendered, b.Key.Rendered));
        PrometheusText.AppendHeader(builder, Name, Help, Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Gauge => "gauge",
            _ => "histogram",
        });

        foreach (var (labels, s) in series)
        {
            if (Kind != MetricKind.Histogram)
            {
                PrometheusText.AppendSample(builder, Name, labels.Rendered, null, s.Value);
                continue;
            }

            // Buckets are cumulative; _count is the +Inf bucket so the two always agree even
            // while other threads record during the scrape.
            var cumulative = 0L;
            var bucketName = Name + "_bucket";
            for (var i = 0; i < _leLabels.Length; i++)
            {
                cumulative += s.BucketCount(i);
                PrometheusText.AppendSample(builder, bucketName, labels.Rendered, _leLabels[i], cumulative);
            }

            PrometheusText.AppendSample(builder, Name + "_sum", labels.Rendered, null, s.Sum);
            PrometheusText.AppendSample(builder, Name + "_count", labels.Rendered, null, cumulative);
        }
    }

    private Series? GetSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Fast path: the very tag objects seen before (no string hashing).
        if (_identityLookup.TryGetValue(tags, out var series))
        {
            return series;
        }

        if (!_lookup.TryGetValue(tags, out series))
        {
            if (_series.Count >= _maxSeries)
            {
                Interlocked.Increment(ref _dropped);
                return null;
            }

            series = _series.GetOrAdd(LabelSet.Create(tags), _createSeries);
        }

        // Bounded: a caller that builds new strings per call falls back to the content
        // lookup instead of growing this without end.
        if (_byIdentity.Count < _maxSeries * 4 && IdentityKey.CanRemember(tags))
        {
            _byIdentity.TryAdd(IdentityKey.Create(tags), series);
        }

        return series;
    }

    private int BucketIndex(double value)
    {
        // Upper bounds are inclusive (le); NaN lands in +Inf only.
        var bounds = Bounds;
        if (double.IsNaN(value))
        {
            return bounds.Length;
        }

        var index = Array.BinarySearch(bounds, value);
        return index >= 0 ? index : ~index;
    }
}

/// <summary>
/// The state of one label set. Integer adds use Interlocked.Add; floating adds a
/// compare-exchange loop; histogram buckets are Interlocked increments. No locks.
/// </summary>
internal sealed class Series(int bucketCount)
{
    private readonly long[] _buckets = new long[bucketCount];
    private long _longValue;
    private double _doubleValue;

    public double Value => Interlocked.Read(ref _longValue) + Volatile.Read(ref _doubleValue);

    public double Sum => Volatile.Read(ref _doubleValue);

    public long BucketCount(int index) => Interlocked.Read(ref _buckets[index]);

    public void Add(long value) => Interlocked.Add(ref _longValue, value);

    public void Add(double value) => AddDouble(ref _doubleValue, value);

    public void Set(double value)
    {
        Volatile.Write(ref _longValue, 0);
        Volatile.Write(ref _doubleValue, value);
    }

    public void Observe(double value, int bucket)
    {
        Interlocked.Increment(ref _buckets[bucket]);
        AddDouble(ref _doubleValue, value);
    }

    private static void AddDouble(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
