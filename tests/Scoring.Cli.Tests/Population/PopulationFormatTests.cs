using System.Diagnostics;
using System.IO.Compression;
using Google.Protobuf;
using Scoring.Cli.Population;

namespace Scoring.Cli.Tests.Population;

public sealed class PopulationFormatTests
{
    [Fact]
    public async Task Generate_EventsFile_IsExactlyWriteDelimitedToOfTheEventsUnderGzip()
    {
        using var dir = new TempDirectory();
        await PopulationWriter.WriteAsync(new PopulationOptions { Customers = 120, Seed = 4, BlockSize = 50 }, dir.Path, null, CancellationToken.None);

        using var raw = new MemoryStream();
        await using (var zip = new GZipStream(File.OpenRead(dir.File(PopulationWriter.EventsFile)), CompressionMode.Decompress))
        {
            await zip.CopyToAsync(raw);
        }

        using var expected = new MemoryStream();
        foreach (var e in PopulationReader.ReadEvents(dir.File(PopulationWriter.EventsFile)))
        {
            e.WriteDelimitedTo(expected);
        }

        Assert.Equal(expected.ToArray(), raw.ToArray());
    }

    [Fact]
    public async Task Generate_MultiMemberGzip_IsReadAsOneStreamByPython()
    {
        using var dir = new TempDirectory();
        await PopulationWriter.WriteAsync(new PopulationOptions { Customers = 90, Seed = 6, BlockSize = 20 }, dir.Path, null, CancellationToken.None);
        var expected = PopulationReader.ReadEvents(dir.File(PopulationWriter.EventsFile)).Count();

        // Python's gzip module as an independent reader: count varint-delimited records.
        const string Script = """
            import gzip, sys
            data = gzip.open(sys.argv[1]).read()
            pos = n = 0
            while pos < len(data):
                size = shift = 0
                while True:
                    b = data[pos]; pos += 1
                    size |= (b & 0x7f) << shift; shift += 7
                    if b < 0x80: break
                pos += size; n += 1
            assert pos == len(data)
            print(n)
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(dir.File(PopulationWriter.EventsFile));
        using var python = Process.Start(start)!;
        var output = await python.StandardOutput.ReadToEndAsync();
        var error = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();

        Assert.True(python.ExitCode == 0, error);
        Assert.Equal(expected, int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
