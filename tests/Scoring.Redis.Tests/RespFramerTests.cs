using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Scoring.Redis.Protocol;

namespace Scoring.Redis.Tests;

public sealed class RespFramerTests
{
    public static TheoryData<string, string> Replies => new()
    {
        { "+OK\r\n", "OK" },
        { "-ERR unknown command\r\n", "Error:ERR unknown command" },
        { ":-42\r\n", "Integer:-42" },
        { "$5\r\nhello\r\n", "BulkString:hello" },
        { "$0\r\n\r\n", "BulkString:" },
        { "$-1\r\n", "Null" },
        { "*-1\r\n", "Null" },
        { "_\r\n", "Null" },
        { ",3.25\r\n", "Double:3.25" },
        { ",inf\r\n", "Double:Infinity" },
        { ",-inf\r\n", "Double:-Infinity" },
        { "#t\r\n", "Boolean:true" },
        { "#f\r\n", "Boolean:false" },
        { "(3492890328409238509324850943850943825024385\r\n", "BigNumber:3492890328409238509324850943850943825024385" },
        { "!21\r\nSYNTAX invalid syntax\r\n", "Error:SYNTAX invalid syntax" },
        { "=15\r\ntxt:Some string\r\n", "VerbatimString:Some string" },
        { "*3\r\n:1\r\n$3\r\nabc\r\n*2\r\n+x\r\n_\r\n", "Array[Integer:1,BulkString:abc,Array[SimpleString:x,Null]]" },
        { "*0\r\n", "Array[]" },
        { "%2\r\n+first\r\n:1\r\n+second\r\n#t\r\n", "Map[SimpleString:first,Integer:1,SimpleString:second,Boolean:true]" },
        { "~2\r\n$1\r\na\r\n$1\r\nb\r\n", "Set[BulkString:a,BulkString:b]" },
        { "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2\r\n:3\r\n", "Array[Integer:2,Integer:3]" },
        { "*2\r\n|1\r\n+ttl\r\n:3600\r\n:7\r\n:8\r\n", "Array[Integer:7,Integer:8]" },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void TryFrame_WholeReply_FramesAndDecodesIt(string wire, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        Assert.True(RespFramer.TryFrame(new ReadOnlySequence<byte>(bytes), RespLimits.Default, out var end, out var isPush));
        Assert.False(isPush);
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
        Assert.Equal(expected, Describe(new ReadOnlySequence<byte>(bytes)));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void TryFrame_ReplySplitIntoTwoSegmentsAtEveryByte_FramesTheSameReply(string wire, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var split = 1; split < bytes.Length; split++)
        {
            var sequence = Segments.Create(bytes[..split], bytes[split..]);
            Assert.True(RespFramer.TryFrame(sequence, RespLimits.Default, out var end, out _), $"split at {split}");
            Assert.Equal(bytes.Length, sequence.Slice(0, end).Length);
            Assert.Equal(expected, Describe(sequence));
        }
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task TryFrame_ReplyFedThroughPipeOneByteAtATime_CompletesOnlyOnLastByte(string wire, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire + "+NEXT\r\n");
        var replyLength = Encoding.UTF8.GetByteCount(wire);
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 1, pauseWriterThreshold: 0));
        for (var i = 0; i < bytes.Length; i++)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(i, 1));
            var result = await pipe.Reader.ReadAsync();
            var framed = RespFramer.TryFrame(result.Buffer, RespLimits.Default, out var end, out _);
            if (i + 1 < replyLength)
            {
                Assert.False(framed, $"framed after {i + 1} of {replyLength} bytes");
                pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }

            Assert.True(framed);
            var reply = result.Buffer.Slice(0, end);
            Assert.Equal(replyLength, reply.Length);
            Assert.Equal(expected, Describe(reply));
            pipe.Reader.AdvanceTo(end);
            break;
        }

        // The bytes after the reply form the next reply, framed independently.
        await pipe.Writer.WriteAsync(bytes.AsMemory(replyLength));
        var rest = await pipe.Reader.ReadAsync();
        Assert.True(RespFramer.TryFrame(rest.Buffer, RespLimits.Default, out _, out _));
        Assert.Equal("SimpleString:NEXT", Describe(rest.Buffer));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void TryFrameSpan_TruncatedAtEveryByte_WaitsForMore(string wire, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(RespFramer.TryFrame(bytes.AsSpan(0, length), RespLimits.Default, out _, out _), $"framed {length} of {bytes.Length} bytes");
        }

        Assert.True(RespFramer.TryFrame(bytes.AsSpan(), RespLimits.Default, out var consumed, out _));
        Assert.Equal(bytes.Length, consumed);
        Assert.NotEmpty(expected);
    }

    [Fact]
    public void TryFrame_PushMessage_IsReportedAsPush()
    {
        var bytes = ">3\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n:1\r\n"u8.ToArray();
        Assert.True(RespFramer.TryFrame(new ReadOnlySequence<byte>(bytes), RespLimits.Default, out _, out var isPush));
        Assert.True(isPush);
    }

    [Theory]
    [InlineData("$536870913\r\n", "max bulk length")]
    [InlineData("$-2\r\n", "max bulk length")]
    [InlineData("*16777217\r\n", "max aggregate length")]
    [InlineData("%-5\r\n", "max aggregate length")]
    [InlineData("*2\r\n:1\r\n", null)]
    [InlineData("$abc\r\n", "Invalid length")]
    [InlineData("$?\r\n", "streamed")]
    [InlineData("?x\r\n", "Unknown RESP type")]
    [InlineData("+OK\n", "CRLF")]
    [InlineData("$3\r\nabcXY", "not terminated by CRLF")]
    [InlineData("$99999999999999999999999\r\n", "Invalid length")]
    public void TryFrame_HostileOrMalformedInput_ThrowsProtocolErrorOrWaits(string wire, string? expectedMessagePart)
    {
        var bytes = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(wire));
        if (expectedMessagePart is null)
        {
            Assert.False(RespFramer.TryFrame(bytes, RespLimits.Default, out _, out _));
            return;
        }

        var error = Assert.Throws<RedisProtocolException>(() => RespFramer.TryFrame(bytes, RespLimits.Default, out _, out _));
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryFrame_NestingDeeperThanLimit_ThrowsProtocolError()
    {
        var wire = string.Concat(Enumerable.Repeat("*1\r\n", 40)) + ":1\r\n";
        var error = Assert.Throws<RedisProtocolException>(
            () => RespFramer.TryFrame(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(wire)), RespLimits.Default, out _, out _));
        Assert.Contains("depth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFrame_NestingAtTheLimit_IsAccepted()
    {
        var wire = string.Concat(Enumerable.Repeat("*1\r\n", RespLimits.Default.MaxDepth)) + ":1\r\n";
        Assert.True(RespFramer.TryFrame(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(wire)), RespLimits.Default, out _, out _));
    }

    [Fact]
    public void TryFrame_LineWithoutTerminatorBeyondLimit_ThrowsProtocolError()
    {
        var wire = "+" + new string('a', RespLimits.Default.MaxLineLength + 1);
        var error = Assert.Throws<RedisProtocolException>(
            () => RespFramer.TryFrame(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(wire)), RespLimits.Default, out _, out _));
        Assert.Contains("maximum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFrame_BulkHeaderAnnouncingMoreThanReceived_WaitsWithoutBuffering()
    {
        var bytes = new ReadOnlySequence<byte>("$1000\r\nabc"u8.ToArray());
        Assert.False(RespFramer.TryFrame(bytes, RespLimits.Default, out _, out _));
    }

    [Fact]
    public void TryFrame_CustomSmallBulkLimit_RejectsLargerBulk()
    {
        var limits = RespLimits.Default with { MaxBulkLength = 4 };
        var bytes = new ReadOnlySequence<byte>("$5\r\nhello\r\n"u8.ToArray());
        Assert.Throws<RedisProtocolException>(() => RespFramer.TryFrame(bytes, limits, out _, out _));
    }

    [Fact]
    public void ReadLease_BulkFramedAcrossSegments_CopiesPayloadIntoPooledBuffer()
    {
        var payload = Enumerable.Range(0, 1500).Select(i => (byte)i).ToArray();
        var wire = Encoding.ASCII.GetBytes("$1500\r\n").Concat(payload).Concat("\r\n"u8.ToArray()).ToArray();
        var sequence = Segments.Create(wire[..300], wire[300..900], wire[900..]);
        Assert.True(RespFramer.TryFrame(sequence, RespLimits.Default, out var end, out _));
        var reader = new RespReader(sequence.Slice(0, end).ToArray());
        using var lease = reader.ReadLease();
        Assert.NotNull(lease);
        Assert.Equal(payload, lease.Span.ToArray());
    }

    [Fact]
    public void ReadInto_ValueLargerThanDestination_ThrowsNamingTheSizes()
    {
        var reader = new RespReader("$5\r\nhello\r\n"u8);
        var buffer = new byte[3];
        try
        {
            reader.ReadInto(buffer);
            Assert.Fail("expected an exception");
        }
        catch (ArgumentException ex)
        {
            Assert.Contains("3 bytes", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryReadError_ErrorReply_ExposesPrefix()
    {
        var reader = new RespReader("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"u8);
        Assert.True(reader.TryReadError(out var error));
        Assert.Equal("WRONGTYPE", error!.Prefix);
    }

    private static string Describe(ReadOnlySequence<byte> reply)
    {
        var reader = new RespReader(reply.ToArray());
        return Describe(reader.ReadResult());
    }

    private static string Describe(RedisResult result) => result.Type switch
    {
        RedisResultType.Null => "Null",
        RedisResultType.SimpleString when result.Items.Count == 0 && result.AsString() == "OK" => "OK",
        RedisResultType.Array or RedisResultType.Map or RedisResultType.Set or RedisResultType.Push
            => $"{result.Type}[{string.Join(',', result.Items.Select(Describe))}]",
        RedisResultType.Double => $"Double:{result.AsDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        _ => $"{result.Type}:{result.AsString()}",
    };
}

/// <summary>Builds multi-segment sequences to exercise the split-buffer paths.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        var first = new Segments(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            var next = new Segments(parts[i], last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
