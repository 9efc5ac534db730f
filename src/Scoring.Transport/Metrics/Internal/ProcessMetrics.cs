using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Scoring.Transport.Metrics.Internal;

/// <summary>
/// Process and .NET runtime metrics read at scrape time, under the names Prometheus'
/// client libraries use (process_* from client_golang's process collector, dotnet_* as
/// prometheus-net names them), so existing dashboards and alerts apply unchanged.
/// </summary>
internal static class ProcessMetrics
{
    private static long s_exceptions;
    private static int s_exceptionHookInstalled;

    /// <summary>
    /// Counts first-chance exceptions from the first exporter on; the runtime keeps no
    /// process-wide total we can read.
    /// </summary>
    public static void EnsureExceptionCounting()
    {
        if (Interlocked.Exchange(ref s_exceptionHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.FirstChanceException += CountException;
        }
    }

    public static void Render(StringBuilder builder)
    {
        using (var process = Process.GetCurrentProcess())
        {
            Single(builder, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                "counter", process.TotalProcessorTime.TotalSeconds);
            Single(builder, "process_resident_memory_bytes", "Resident memory size in bytes.",
                "gauge", process.WorkingSet64);
            Single(builder, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
                "gauge", process.VirtualMemorySize64);
            Single(builder, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                "gauge", new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
            Single(builder, "process_num_threads", "Number of OS threads in the process.",
                "gauge", process.Threads.Count);
        }

        if (OperatingSystem.IsLinux())
        {
            Single(builder, "process_open_fds", "Number of open file descriptors.",
                "gauge", Directory.GetFileSystemEntries("/proc/self/fd").Length);
            if (ReadMaxOpenFiles() is { } max)
            {
                Single(builder, "process_max_fds", "Maximum number of open file descriptors.", "gauge", max);
            }
        }

        PrometheusText.AppendHeader(builder, "dotnet_collection_count_total",
            "GC collection count per generation.", "counter");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            PrometheusText.AppendSample(builder, "dotnet_collection_count_total", string.Empty,
                "generation=\"" + generation.ToString(CultureInfo.InvariantCulture) + "\"",
                GC.CollectionCount(generation));
        }

        // Pauses stall every call in flight at once: their share of wall time bounds tail latency.
        Single(builder, "dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection since the process started.",
            "counter", GC.GetTotalPauseDuration().TotalSeconds);
        Single(builder, "dotnet_gc_heap_size_bytes", "GC heap size in bytes after the last collection.",
            "gauge", GC.GetGCMemoryInfo().HeapSizeBytes);
        Single(builder, "dotnet_total_memory_bytes", "Bytes currently thought to be allocated on the GC heap.",
            "gauge", GC.GetTotalMemory(forceFullCollection: false));
        Single(builder, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the GC heap since the process started.",
            "counter", GC.GetTotalAllocatedBytes());
        Single(builder, "dotnet_threadpool_threads", "Number of thread pool threads.",
            "gauge", ThreadPool.ThreadCount);
        Single(builder, "dotnet_threadpool_queue_length", "Work items queued to the thread pool and not yet started.",
            "gauge", ThreadPool.PendingWorkItemCount);
        Single(builder, "dotnet_threadpool_completed_items_total", "Work items completed by the thread pool.",
            "counter", ThreadPool.CompletedWorkItemCount);
        Single(builder, "dotnet_monitor_lock_contention_total", "Times a Monitor lock was contended.",
            "counter", Monitor.LockContentionCount);
        Single(builder, "dotnet_exceptions_total", "First-chance exceptions thrown since metrics started.",
            "counter", Interlocked.Read(ref s_exceptions));
    }

    /// <summary>The soft limit from the "Max open files" row of /proc/self/limits.</summary>
    internal static long? ReadMaxOpenFiles()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], CultureInfo.InvariantCulture, out var soft)
                    ? soft
                    : null;
            }
        }
        catch (IOException)
        {
            // No /proc (a container without it): the metric is left out rather than wrong.
        }

        return null;
    }

    private static void CountException(object? sender, FirstChanceExceptionEventArgs e) =>
        Interlocked.Increment(ref s_exceptions);

    private static void Single(StringBuilder builder, string name, string help, string type, double value)
    {
        PrometheusText.AppendHeader(builder, name, help, type);
        PrometheusText.AppendSample(builder, name, string.Empty, null, value);
    }
}
