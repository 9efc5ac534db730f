using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Scoring.Redis;
using Scoring.Redis.Internal;
using Scoring.Redis.Protocol;

namespace Scoring.Benchmarks.Redis;

/// <summary>
/// Framing + decoding of typical replies, as the connection's read loop does it.
/// Allocation budget per reply (checked against the MemoryDiagnoser column):
///   integer: 0 B; bulk into caller buffer: 0 B; bulk as lease: one RedisLease object (buffer pooled);
///   bulk as byte[]: the array; 10 bulks as byte[][]: the arrays only.
/// Run: dotnet run -c Release --project load-tests/Scoring.Benchmarks -- --filter '*RespParsing*' --job short
/// </summary>
[MemoryDiagnoser]
public class RespParsingBenchmarks
{
    private readonly byte[] _destination = new byte[2048];
    private ReadOnlySequence<byte> _bulk;
    private ReadOnlySequence<byte> _integer;
    private ReadOnlySequence<byte> _array;

    [GlobalSetup]
    public void Setup()
    {
        var blob = new byte[1500];
        new Random(42).NextBytes(blob);
        _bulk = new ReadOnlySequence<byte>([.. "$1500\r\n"u8, .. blob, .. "\r\n"u8]);
        _integer = new ReadOnlySequence<byte>(":1234567\r\n"u8.ToArray());
        var array = new StringBuilder("*10\r\n");
        for (var i = 0; i < 10; i++)
        {
            array.Append("$12\r\nfeature-").Append(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        _array = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(array.ToString()));
    }

    [Benchmark(Baseline = true)]
    public long Integer()
    {
        var reply = Frame(_integer);
        var reader = new RespReader(reply.FirstSpan);
        return reader.ReadInt64();
    }

    [Benchmark]
    public int Bulk1500IntoCallerBuffer()
    {
        var reply = Frame(_bulk);
        var reader = new RespReader(reply.FirstSpan);
        return reader.ReadInto(_destination);
    }

    [Benchmark]
    public int Bulk1500AsLease()
    {
        var reply = Frame(_bulk);
        var reader = new RespReader(reply.FirstSpan);
        using var lease = reader.ReadLease()!;
        return lease.Length;
    }

    [Benchmark]
    public int Bulk1500AsArray()
    {
        var reply = Frame(_bulk);
        var reader = new RespReader(reply.FirstSpan);
        return reader.ReadBytes()!.Length;
    }

    [Benchmark]
    public int ArrayOf10BulksAsArrays()
    {
        var reply = Frame(_array);
        var reader = new RespReader(reply.FirstSpan);
        return Replies.BytesArray(ref reader).Length;
    }

    [Benchmark]
    public int ArrayOf10BulksAsRedisResult()
    {
        var reply = Frame(_array);
        var reader = new RespReader(reply.FirstSpan);
        return reader.ReadResult().Items.Count;
    }

    private static ReadOnlySequence<byte> Frame(in ReadOnlySequence<byte> buffer)
    {
        if (!RespFramer.TryFrame(buffer, RespLimits.Default, out var end, out _))
        {
            throw new InvalidOperationException("incomplete");
        }

        return buffer.Slice(0, end);
    }
}

/// <summary>
/// One whole command without I/O: encode HGET into a reused buffer, queue the pending operation,
/// complete it from the reply and read the result. Shows the per-call allocation of the client
/// itself (the pending operation object; nothing else for an integer or a caller-buffer read).
/// </summary>
[MemoryDiagnoser]
public class RespCommandBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly ReadOnlySequence<byte> _integerReply = new(":42\r\n"u8.ToArray());

    [Benchmark]
    public long EncodeHgetAndCompleteIntegerReply()
    {
        _output.ResetWrittenCount();
        RespWriter.WriteArrayHeader(_output, 3);
        RespWriter.WriteRaw(_output, "$4\r\nHGET\r\n"u8);
        RespWriter.WriteBulk(_output, "cust:1234567890");
        RespWriter.WriteBulk(_output, "features");
        var op = new PendingOperation<long>("HGET", Replies.Int64);
        var task = op.Task;
        op.OnReply(_integerReply.FirstSpan);
        return task.Result;
    }
}
