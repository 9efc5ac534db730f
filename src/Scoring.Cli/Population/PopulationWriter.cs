using System.IO.Compression;
using System.Text;
using Google.Protobuf;

namespace Scoring.Cli.Population;

/// <summary>Counts of one generation run.</summary>
internal sealed record GenerationSummary(long Customers, long Events, long EventBytes, TimeSpan Elapsed)
{
    public double EventsPerSecond => Events / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Generates the population in blocks of customers on all cores and writes the blocks in
/// index order, so the files do not depend on scheduling. Each block is one gzip member
/// (a gzip file may hold several; GZipStream, gzip(1) and Python read them as one stream).
/// </summary>
internal static class PopulationWriter
{
    public const string EventsFile = "events.pb.gz";
    public const string ProfilesFile = "profiles.pb.gz";
    public const string TruthFile = "truth.csv";

    public static async Task<GenerationSummary> WriteAsync(
        PopulationOptions options, string directory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var errors = options.Validate(DateTimeOffset.UtcNow);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Directory.CreateDirectory(directory);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var blocks = (options.Customers + options.BlockSize - 1) / options.BlockSize;
        var maxInFlight = Math.Max(2, Environment.ProcessorCount * 2);
        long events = 0, eventBytes = 0, done = 0;

        await using var eventsOut = new FileStream(Path.Combine(directory, EventsFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var profilesOut = new FileStream(Path.Combine(directory, ProfilesFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var truthOut = new StreamWriter(Path.Combine(directory, TruthFile), false, new UTF8Encoding(false)) { NewLine = "\n" };
        await truthOut.WriteLineAsync(TruthRecord.Header.AsMemory(), cancellationToken);

        var inFlight = new Queue<Task<BlockOutput>>();
        for (var b = 0; b < blocks; b++)
        {
            if (inFlight.Count >= maxInFlight)
            {
                await WriteBlockAsync(await inFlight.Dequeue());
            }

            var block = b;
            inFlight.Enqueue(Task.Run(() => Produce(options, block, cancellationToken), cancellationToken));
        }

        while (inFlight.Count > 0)
        {
            await WriteBlockAsync(await inFlight.Dequeue());
        }

        return new GenerationSummary(options.Customers, events, eventBytes, started.Elapsed);

        async Task WriteBlockAsync(BlockOutput output)
        {
            await eventsOut.WriteAsync(output.Events, cancellationToken);
            await profilesOut.WriteAsync(output.Profiles, cancellationToken);
            await truthOut.WriteAsync(output.Truth.AsMemory(), cancellationToken);
            events += output.EventCount;
            eventBytes += output.EventBytes;
            done += output.Customers;
            progress?.Report(done);
        }
    }

    private static BlockOutput Produce(PopulationOptions options, int block, CancellationToken cancellationToken)
    {
        var simulator = new CustomerSimulator(options);
        var first = (long)block * options.BlockSize;
        var last = Math.Min(options.Customers, first + options.BlockSize);
        using var eventsBuffer = new MemoryStream();
        using var profilesBuffer = new MemoryStream();
        var truth = new StringBuilder();
        long count = 0, raw = 0;
        using (var eventsZip = new GZipStream(eventsBuffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var profilesZip = new GZipStream(profilesBuffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var eventsCoded = new CodedOutputStream(eventsZip, leaveOpen: true))
        using (var profilesCoded = new CodedOutputStream(profilesZip, leaveOpen: true))
        {
            for (var i = first; i < last; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var customer = simulator.Simulate(i);
                foreach (var e in customer.Events)
                {
                    // Same bytes as Event.WriteDelimitedTo: a varint length, then the message.
                    var size = e.CalculateSize();
                    eventsCoded.WriteLength(size);
                    eventsCoded.WriteRawMessage(e);
                    raw += size;
                    count++;
                }

                var profileSize = customer.Profile.CalculateSize();
                profilesCoded.WriteLength(profileSize);
                profilesCoded.WriteRawMessage(customer.Profile);
                truth.Append(customer.Truth.ToCsvLine()).Append('\n');
            }

            eventsCoded.Flush();
            profilesCoded.Flush();
        }

        return new BlockOutput(eventsBuffer.ToArray(), profilesBuffer.ToArray(), truth.ToString(), last - first, count, raw);
    }

    private sealed record BlockOutput(byte[] Events, byte[] Profiles, string Truth, long Customers, long EventCount, long EventBytes);
}
