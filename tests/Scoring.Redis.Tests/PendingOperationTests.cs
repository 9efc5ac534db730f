using Scoring.Redis.Internal;
using Scoring.Redis.Protocol;

namespace Scoring.Redis.Tests;

public sealed class PendingOperationTests
{
    [Fact]
    public async Task OnReply_DecoderFailsOnUnexpectedShape_FailsOnlyThisCallerWithProtocolError()
    {
        var op = new PendingOperation<int>("XINFO", static (ref RespReader r) =>
        {
            r.ReadHeader();
            throw new IndexOutOfRangeException("missing element");
        });

        op.OnReply("*0\r\n"u8);

        var error = await Assert.ThrowsAsync<RedisProtocolException>(async () => await op.Task);
        Assert.Contains("XINFO", error.Message, StringComparison.Ordinal);
        Assert.IsType<IndexOutOfRangeException>(error.InnerException);
    }

    [Fact]
    public async Task OnReply_AfterTimeout_IsIgnoredAndFirstOutcomeWins()
    {
        var op = new PendingOperation<long>("GET", static (ref RespReader r) => r.ReadInt64());

        op.Fail(new RedisTimeoutException("timed out"));
        op.OnReply(":5\r\n"u8);

        await Assert.ThrowsAsync<RedisTimeoutException>(async () => await op.Task);
        Assert.True(op.IsCompleted);
    }

    [Fact]
    public async Task OnReply_ErrorReply_BecomesServerExceptionWithPrefix()
    {
        var op = new PendingOperation<long>("EVALSHA", static (ref RespReader r) => r.ReadInt64());

        op.OnReply("-NOSCRIPT No matching script. Please use EVAL.\r\n"u8);

        var error = await Assert.ThrowsAsync<RedisServerException>(async () => await op.Task);
        Assert.Equal("NOSCRIPT", error.Prefix);
    }

    [Fact]
    public async Task RegisterCancellation_TokenCancelled_FailsWithOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var op = new PendingOperation<long>("GET", static (ref RespReader r) => r.ReadInt64());
        op.RegisterCancellation(cts.Token);

        await cts.CancelAsync();
        op.OnReply(":1\r\n"u8);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await op.Task);
    }
}
