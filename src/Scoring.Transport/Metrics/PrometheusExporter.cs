using System.Diagnostics.Metrics;
using System.Text;
using Scoring.Transport.Metrics.Internal;

namespace Scoring.Transport.Metrics;

/// <summary>
/// Collects every instrument of the configured meters through a <see cref="MeterListener"/>
/// and renders them in the Prometheus text exposition format 0.0.4.
/// Counter and ObservableCounter become counters (name + "_total"), Histogram a histogram,
/// UpDownCounter, ObservableGauge and ObservableUpDownCounter gauges.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The content type of <see cref="Render"/>'s output.</summary>
    public const string ContentType = PrometheusText.ContentType;

    private readonly PrometheusExporterOptions _options;
    private readonly MeterListener _listener;
    private readonly Lock _familiesLock = new();
    private readonly Dictionary<string, MetricFamily> _familiesByName = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _scrapeLock = new(1, 1);
    private MetricFamily[] _families = [];
    private long _observationErrors;

    public PrometheusExporter(PrometheusExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (options.IncludeProcessMetrics)
        {
            ProcessMetrics.EnsureExceptionCounting();
        }

        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<byte>(static (_, v, tags, state) => ((MetricFamily)state!).Record((long)v, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, v, tags, state) => ((MetricFamily)state!).Record((long)v, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, v, tags, state) => ((MetricFamily)state!).Record((long)v, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, v, tags, state) => ((MetricFamily)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, v, tags, state) => ((MetricFamily)state!).Record((double)v, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, v, tags, state) => ((MetricFamily)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, v, tags, state) => ((MetricFamily)state!).Record((double)v, tags));

        // Start publishes every instrument that already exists, then each new one.
        _listener.Start();
    }

    /// <summary>Renders all metrics now (observable instruments are read during the call).</summary>
    public async Task<string> RenderAsync(CancellationToken cancellationToken = default)
    {
        // Scrapes are serialised: observable families are cleared and refilled per scrape.
        await _scrapeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Render();
        }
        finally
        {
            _scrapeLock.Release();
        }
    }

    /// <summary>Writes the exposition as UTF-8 to <paramref name="destination"/>.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var text = await RenderAsync(cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _scrapeLock.Dispose();
    }

    private string Render()
    {
        var families = Volatile.Read(ref _families);
        foreach (var family in families)
        {
            if (family.IsObservable)
            {
                family.ClearObservations();
            }
        }

        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (AggregateException e)
        {
            // A failing callback loses only its own instrument's values, not the whole scrape.
            Interlocked.Add(ref _observationErrors, e.InnerExceptions.Count);
        }

        var builder = new StringBuilder(4096);
        var dropped = 0L;
        foreach (var family in families)
        {
            family.Render(builder);
            dropped += family.Dropped;
        }

        PrometheusText.AppendHeader(builder, "scoring_metrics_observation_errors_total",
            "Observable instrument callbacks that threw during a scrape.", "counter");
        PrometheusText.AppendSample(builder, "scoring_metrics_observation_errors_total", string.Empty, null,
            Interlocked.Read(ref _observationErrors));
        PrometheusText.AppendHeader(builder, "scoring_metrics_dropped_measurements_total",
            "Measurements dropped because their metric reached MaxSeriesPerMetric label sets.", "counter");
        PrometheusText.AppendSample(builder, "scoring_metrics_dropped_measurements_total", string.Empty, null, dropped);

        if (_options.IncludeProcessMetrics)
        {
            ProcessMetrics.Render(builder);
        }

        return builder.ToString();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_options.MeterNamePrefixes.Any(p => instrument.Meter.Name.StartsWith(p, StringComparison.Ordinal)))
        {
            return;
        }

        var (kind, observable, absolute) = Classify(instrument);
        if (kind is not { } metricKind)
        {
            return;
        }

        var name = PrometheusText.SanitizeMetricName(instrument.Name);
        if (metricKind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        MetricFamily family;
        lock (_familiesLock)
        {
            if (_familiesByName.TryGetValue(name, out var existing))
            {
                // The same instrument from another Meter instance (e.g. a second server in one
                // process) adds to the same series; a clash of kinds cannot be exported.
                if (existing.Kind != metricKind || existing.IsObservable != observable || existing.IsAbsolute != absolute)
                {
                    return;
                }

                family = existing;
            }
            else
            {
                var help = string.IsNullOrWhiteSpace(instrument.Description)
                    ? $"{instrument.Name} from meter {instrument.Meter.Name}."
                    : instrument.Description;
                family = new MetricFamily(name, help, metricKind, observable, absolute,
                    metricKind == MetricKind.Histogram ? BucketsFor(instrument) : [], _options.MaxSeriesPerMetric);
                _familiesByName.Add(name, family);
                _families = [.. _families, family];
            }
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    private static (MetricKind? Kind, bool Observable, bool Absolute) Classify(Instrument instrument)
    {
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        return definition switch
        {
            _ when definition == typeof(Counter<>) => (MetricKind.Counter, false, false),
            _ when definition == typeof(Histogram<>) => (MetricKind.Histogram, false, false),
            _ when definition == typeof(UpDownCounter<>) => (MetricKind.Gauge, false, false),
            _ when definition == typeof(Gauge<>) => (MetricKind.Gauge, false, true),
            _ when definition == typeof(ObservableCounter<>) => (MetricKind.Counter, true, true),
            _ when definition == typeof(ObservableGauge<>) => (MetricKind.Gauge, true, true),
            _ when definition == typeof(ObservableUpDownCounter<>) => (MetricKind.Gauge, true, true),
            _ => (null, false, false),
        };
    }

    private double[] BucketsFor(Instrument instrument)
    {
        var advised = instrument switch
        {
            Instrument<double> i => i.Advice?.HistogramBucketBoundaries?.ToArray(),
            Instrument<float> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<long> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<short> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<byte> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<decimal> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };

        // InstrumentAdvice already rejects unsorted boundaries; ours are validated at start-up.
        return advised is { Length: > 0 } ? advised : [.. _options.DefaultHistogramBuckets];
    }
}
