using System.IO;
using Scoring.Features.EventLog;
using Scoring.Features.Tests.Support;
using Scoring.V1;

namespace Scoring.Features.Tests;

public sealed class EventLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("features-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("events.bin")]
    [InlineData("events.bin.gz")]
    public void ReadEvents_WhatTheWriterWrote_ComesBackInOrder(string name)
    {
        var path = Path.Combine(_dir, name);
        var events = TypicalYear.Generate(Ev.At(2025, 12, 31), seed: 5);
        using (var writer = EventLogWriter.Create(path))
        {
            events.ForEach(writer.Write);
            Assert.Equal(events.Count, writer.Count);
        }

        Assert.Equal(events, EventLogReader.ReadEvents(path));
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            Assert.Equal(0x1f, File.ReadAllBytes(path)[0]); // gzip magic
        }
    }

    [Fact]
    public void ReadEvents_FileWrittenByWriteDelimitedTo_IsRead()
    {
        var path = Path.Combine(_dir, "delimited.bin");
        var events = new[] { Ev.Purchase(Ev.At(2025, 1, 1), 1), Ev.Login(Ev.At(2025, 1, 2)) };
        using (var file = File.Create(path))
        {
            foreach (var e in events)
            {
                Google.Protobuf.MessageExtensions.WriteDelimitedTo(e, file);
            }
        }

        Assert.Equal(events, EventLogReader.ReadEvents(path));
    }

    [Fact]
    public void ReadProfiles_ProfileFile_RoundTrips()
    {
        var path = Path.Combine(_dir, "profiles.bin.gz");
        var profiles = Enumerable.Range(0, 50).Select(i => Ev.Profile(Ev.At(2020, 1, 1).AddDays(i), customer: $"c{i}")).ToList();
        using (var writer = EventLogWriter.Create(path))
        {
            profiles.ForEach(writer.Write);
        }

        Assert.Equal(profiles, EventLogReader.ReadProfiles(path));
    }

    [Fact]
    public void ReadEvents_TruncatedFile_ThrowsNamingTheRecord()
    {
        var path = Path.Combine(_dir, "cut.bin");
        using (var writer = EventLogWriter.Create(path))
        {
            writer.Write(Ev.Purchase(Ev.At(2025, 1, 1), 1));
            writer.Write(Ev.Purchase(Ev.At(2025, 1, 1), 2));
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var ex = Assert.Throws<InvalidDataException>(() => EventLogReader.ReadEvents(path).ToList());
        Assert.Contains("record 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadEvents_GarbageLengthPrefix_ThrowsInsteadOfAllocating()
    {
        var path = Path.Combine(_dir, "garbage.bin");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => EventLogReader.ReadEvents(path).ToList());
    }
}
