using System.Globalization;
using System.Runtime.ExceptionServices;
using Prometheus;

namespace Scoring.Host.Metrics;

/// <summary>
/// Process and runtime series that prometheus-net's default collectors leave out, under the
/// names Prometheus' client libraries use (process_* as client_golang's process collector,
/// dotnet_* as prometheus-net), read at scrape time. prometheus-net itself provides
/// process_cpu_seconds_total, process_start_time_seconds, process_num_threads,
/// process_virtual_memory_bytes, dotnet_collection_count_total and dotnet_total_memory_bytes.
/// </summary>
internal static class RuntimeMetrics
{
    private static int s_registered;
    private static long s_exceptions;

    public static void Register(CollectorRegistry registry)
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0)
        {
            return;
        }

        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var openFds = factory.CreateGauge("process_open_fds", "Number of open file descriptors.");
        var maxFds = factory.CreateGauge("process_max_fds", "Maximum number of open file descriptors.");
        // Pauses stall every call in flight at once: their share of wall time bounds tail latency.
        var gcPause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection since the process started.");
        var heapSize = factory.CreateGauge("dotnet_gc_heap_size_bytes", "GC heap size in bytes after the last collection.");
        var allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the GC heap since the process started.");
        var poolThreads = factory.CreateGauge("dotnet_threadpool_threads", "Number of thread pool threads.");
        var poolQueue = factory.CreateGauge("dotnet_threadpool_queue_length", "Work items queued to the thread pool and not yet started.");
        var poolCompleted = factory.CreateCounter("dotnet_threadpool_completed_items_total", "Work items completed by the thread pool.");
        var contention = factory.CreateCounter("dotnet_monitor_lock_contention_total", "Times a Monitor lock was contended.");
        var exceptions = factory.CreateCounter("dotnet_exceptions_total", "First-chance exceptions thrown since metrics started.");
        AppDomain.CurrentDomain.FirstChanceException += CountException;

        registry.AddBeforeCollectCallback(() =>
        {
            if (OperatingSystem.IsLinux())
            {
                resident.Set(Environment.WorkingSet); // VmRSS on Linux
                openFds.Set(CountOpenFds());
                if (ReadMaxOpenFiles() is { } max)
                {
                    maxFds.Set(max);
                }
            }

            gcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            heapSize.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
            allocated.IncTo(GC.GetTotalAllocatedBytes());
            poolThreads.Set(ThreadPool.ThreadCount);
            poolQueue.Set(ThreadPool.PendingWorkItemCount);
            poolCompleted.IncTo(ThreadPool.CompletedWorkItemCount);
            contention.IncTo(Monitor.LockContentionCount);
            exceptions.IncTo(Interlocked.Read(ref s_exceptions));
        });
    }

    private static int CountOpenFds()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The soft limit from the "Max open files" row of /proc/self/limits.</summary>
    private static long? ReadMaxOpenFiles()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
            // No /proc (a container without it): the metric is left out rather than wrong.
        }

        return null;
    }

    private static void CountException(object? sender, FirstChanceExceptionEventArgs e) => Interlocked.Increment(ref s_exceptions);
}
