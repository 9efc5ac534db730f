using System.Text;
using Scoring.Features.Streams;
using Scoring.Features.Tests.Support;
using StackExchange.Redis;

namespace Scoring.Features.Tests.Streams;

public sealed class StreamEntryFormatTests
{
    [Fact]
    public void TryDecode_EncodedEvent_ReturnsEqualEvent()
    {
        var e = Ev.Purchase(Ev.At(2025, 3, 1), 42.5);
        var entry = new StreamEntry("1-0", [new NameValueEntry("trace", "x"u8.ToArray()), new NameValueEntry(StreamEntryFormat.EventField, StreamEntryFormat.Encode(e))]);

        Assert.True(StreamEntryFormat.TryDecode(entry, out var decoded, out var error));

        Assert.Null(error);
        Assert.Equal(e, decoded);
    }

    [Theory]
    [InlineData("payload", "no protobuf here")]
    [InlineData("e", "\u00ff\u00ff\u00ff\u00ff")]
    [InlineData("e", "not protobuf")]
    public void TryDecode_MissingOrGarbledField_ReturnsUndecodable(string field, string value)
    {
        var entry = new StreamEntry("1-0", [new NameValueEntry(field, Encoding.Latin1.GetBytes(value))]);

        Assert.False(StreamEntryFormat.TryDecode(entry, out var decoded, out var error));

        Assert.Null(decoded);
        Assert.StartsWith("undecodable:", error, StringComparison.Ordinal);
    }
}
