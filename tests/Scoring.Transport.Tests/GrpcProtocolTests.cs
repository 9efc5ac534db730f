using Scoring.Transport.Internal;

namespace Scoring.Transport.Tests;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("99999999u", 999_999_990L)]
    [InlineData("1000n", 10L)]
    [InlineData("0m", 0L)]
    public void TryParseTimeout_WithEachUnit_ReturnsExpectedTicks(string value, long ticks)
    {
        Assert.True(GrpcProtocol.TryParseTimeout(value, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("1.5S")]
    [InlineData(" 5S")]
    public void TryParseTimeout_WithInvalidValue_ReturnsFalse(string? value)
    {
        Assert.False(GrpcProtocol.TryParseTimeout(value, out _));
    }

    [Theory]
    [InlineData(0.5, "500000u")]
    [InlineData(150, "150000m")]
    [InlineData(200_000, "200000S")]
    public void FormatTimeout_StaysWithinEightDigits(double seconds, string expected)
    {
        var text = GrpcProtocol.FormatTimeout(TimeSpan.FromSeconds(seconds));
        Assert.Equal(expected, text);
        Assert.True(text.Length <= 9);
        Assert.True(GrpcProtocol.TryParseTimeout(text, out var parsed));
        Assert.True(parsed >= TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("Größe", "Gr%C3%B6%C3%9Fe")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("✓", "%E2%9C%93")]
    public void PercentEncode_FollowsTheSpec_AndRoundTrips(string message, string encoded)
    {
        Assert.Equal(encoded, GrpcProtocol.PercentEncode(message));
        Assert.Equal(message, GrpcProtocol.PercentDecode(encoded));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%4", "%4")]
    [InlineData("%zz", "%zz")]
    public void PercentDecode_WithMalformedEscapes_KeepsThem(string value, string expected)
    {
        Assert.Equal(expected, GrpcProtocol.PercentDecode(value));
    }

    [Theory]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    public void DecodeBinaryHeader_AcceptsPaddedAndUnpadded(string value, byte[] expected)
    {
        Assert.Equal(expected, GrpcProtocol.DecodeBinaryHeader(value));
    }

    [Fact]
    public void TryReadHeader_WhenSplitAcrossSegments_ReadsFlagAndLength()
    {
        var first = new Segment(new byte[] { 1, 0 });
        var last = first.Append(new byte[] { 0, 1, 2, 9 });
        var sequence = new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.True(GrpcProtocol.TryReadHeader(sequence, out var flag, out var length));
        Assert.Equal(1, flag);
        Assert.Equal(0x0102u, length);
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
