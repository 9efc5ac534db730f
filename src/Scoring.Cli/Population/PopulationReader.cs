using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;
using Scoring.V1;

namespace Scoring.Cli.Population;

/// <summary>Reads the delimited, gzip-compressed files <see cref="PopulationWriter"/> writes.</summary>
internal static class PopulationReader
{
    public static IEnumerable<Event> ReadEvents(string path) => ReadDelimited(path, Event.Parser);

    public static IEnumerable<Profile> ReadProfiles(string path) => ReadDelimited(path, Profile.Parser);

    private static IEnumerable<T> ReadDelimited<T>(string path, MessageParser<T> parser)
        where T : IMessage<T>
    {
        using var file = File.OpenRead(path);
        using var zip = new GZipStream(file, CompressionMode.Decompress);
        using var input = new BufferedStream(zip, 1 << 16);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (TryReadLength(input, out var length))
            {
                if (buffer.Length < length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                input.ReadExactly(buffer, 0, length);
                yield return parser.ParseFrom(buffer.AsSpan(0, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a varint32 length prefix; false at a clean end of stream.</summary>
    private static bool TryReadLength(Stream input, out int length)
    {
        length = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = input.ReadByte();
            if (b < 0)
            {
                return shift == 0 ? false : throw new InvalidDataException("Truncated length prefix in a delimited protobuf file.");
            }

            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return length >= 0 ? true : throw new InvalidDataException("Negative message length in a delimited protobuf file.");
            }
        }

        throw new InvalidDataException("Malformed length prefix in a delimited protobuf file.");
    }
}
