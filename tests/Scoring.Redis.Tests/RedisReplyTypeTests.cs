using System.Text;
using Scoring.Testing;
using static Scoring.Redis.Tests.RedisTestHelpers;

namespace Scoring.Redis.Tests;

/// <summary>Every reply type, produced by a real server in RESP2 and (after HELLO 3) RESP3.</summary>
public sealed class RedisReplyTypeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(2, RedisResultType.Array)]
    [InlineData(3, RedisResultType.Map)]
    public async Task HashGetAll_ByProtocol_IsArrayOrMapWithTheSamePairs(int protocol, RedisResultType expected)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);
        var key = Key("hgetall");
        await client.HashSetAsync(key, [new("a", "1"), new("b", "2")]);

        var reply = await client.ExecuteAsync("HGETALL", key);

        Assert.Equal(expected, reply.Type);
        Assert.Equal(["a=1", "b=2"], reply.AsPairs().Select(p => $"{p.Key.AsString()}={p.Value.AsString()}").Order());
        Assert.Equal(["a", "b"], (await client.HashGetAllAsync(key)).Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData(2, RedisResultType.Array)]
    [InlineData(3, RedisResultType.Set)]
    public async Task SetMembers_ByProtocol_IsArrayOrSet(int protocol, RedisResultType expected)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);
        var key = Key("set");
        await client.ExecuteAsync("SADD", key, "x", "y", "z");

        var reply = await client.ExecuteAsync("SMEMBERS", key);

        Assert.Equal(expected, reply.Type);
        Assert.Equal(["x", "y", "z"], reply.Items.Select(i => i.AsString()).Order());
    }

    [Theory]
    [InlineData(2, RedisResultType.BulkString)]
    [InlineData(3, RedisResultType.Double)]
    public async Task ZScore_ByProtocol_IsBulkOrDouble(int protocol, RedisResultType expected)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);
        var key = Key("zset");
        await client.ExecuteAsync("ZADD", key, 2.5, "m", double.PositiveInfinity, "top");

        var reply = await client.ExecuteAsync("ZSCORE", key, "m");
        Assert.Equal(expected, reply.Type);
        Assert.Equal(2.5, reply.AsDouble());
        Assert.Equal(double.PositiveInfinity, (await client.ExecuteAsync("ZSCORE", key, "top")).AsDouble());
        Assert.True((await client.ExecuteAsync("ZSCORE", key, "absent")).IsNull);
    }

    [Theory]
    [InlineData(2, RedisResultType.Integer)]
    [InlineData(3, RedisResultType.Boolean)]
    public async Task EvalReturningTrue_ByProtocol_IsIntegerOrBoolean(int protocol, RedisResultType expected)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);

        // Lua booleans map to RESP3 booleans once the script opts in with setresp(3).
        var reply = await client.EvalAsync("redis.setresp(3); return true");

        Assert.Equal(expected, reply.Type);
        Assert.True(reply.AsBoolean());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EvalReturningNestedTable_IsNestedArrayWithNullsAndErrors(int protocol)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);

        var reply = await client.EvalAsync("return {1, 'two', {3, 'four'}, redis.error_reply('INNER failed')}");

        Assert.Equal(RedisResultType.Array, reply.Type);
        Assert.Equal(1, reply.Items[0].AsInt64());
        Assert.Equal("two", reply.Items[1].AsString());
        Assert.Equal(["3", "four"], reply.Items[2].Items.Select(i => i.AsString()));
        Assert.Equal(RedisResultType.Error, reply.Items[3].Type);
        Assert.Equal("INNER failed", reply.Items[3].AsString());
        Assert.True((await client.EvalAsync("return nil")).IsNull);
    }

    [Fact]
    public async Task Resp3ScriptTypes_DoubleBigNumberMapAndSet_AreDecoded()
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = 3);

        var real = await client.EvalAsync("return {double=3.5}");
        Assert.Equal(RedisResultType.Double, real.Type);
        Assert.Equal(3.5, real.AsDouble());

        var big = await client.EvalAsync("redis.setresp(3); return {big_number='123456789012345678901234567890'}");
        Assert.Equal(RedisResultType.BigNumber, big.Type);
        Assert.Equal(System.Numerics.BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), big.AsBigInteger());

        var map = await client.EvalAsync("redis.setresp(3); return {map={a=1}}");
        Assert.Equal(RedisResultType.Map, map.Type);
        Assert.Equal("a", map.AsPairs().Single().Key.AsString());

        var set = await client.EvalAsync("redis.setresp(3); return {set={x=true}}");
        Assert.Equal(RedisResultType.Set, set.Type);
        Assert.Equal("x", set.Items.Single().AsString());
    }

    [Fact]
    public async Task Resp3Info_IsVerbatimString()
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = 3);

        var reply = await client.ExecuteAsync("INFO", "server");

        Assert.Equal(RedisResultType.VerbatimString, reply.Type);
        Assert.Equal("txt", reply.VerbatimFormat);
        Assert.StartsWith("# Server", reply.AsString(), StringComparison.Ordinal);
        Assert.Contains("redis_version", await client.InfoAsync("server"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SimpleStringsIntegersAndNullBulk_AreDecoded(int protocol)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);
        var key = Key("simple");

        Assert.Equal(RedisResultType.SimpleString, (await client.ExecuteAsync("SET", key, "v")).Type);
        var incr = await client.ExecuteAsync("INCR", Key("counter"));
        Assert.Equal(RedisResultType.Integer, incr.Type);
        Assert.Equal(1, incr.AsInt64());
        Assert.True((await client.ExecuteAsync("GET", Key("nothing"))).IsNull);
        var empty = await client.ExecuteAsync("LRANGE", Key("nolist"), 0, -1);
        Assert.Equal(RedisResultType.Array, empty.Type);
        Assert.Empty(empty.Items);
    }

    [Fact]
    public async Task Resp3Push_InvalidationMessage_GoesToHandlerNotToCallers()
    {
        await using var tracked = await ConnectAsync(redis.Server, o => o.Protocol = 3);
        await using var writer = await ConnectAsync(redis.Server);
        var key = Key("tracked");
        await writer.SetAsync(key, "before");
        var pushes = new System.Collections.Concurrent.ConcurrentQueue<RedisResult>();
        tracked.PushReceived += (_, message) => pushes.Enqueue(message);

        await tracked.ExecuteAsync("CLIENT TRACKING", "on");
        Assert.Equal("before", await tracked.GetStringAsync(key));
        await writer.SetAsync(key, "after");

        await WaitUntilAsync(() => Task.FromResult(!pushes.IsEmpty), "an invalidation push");
        var push = Assert.Single(pushes);
        Assert.Equal(RedisResultType.Push, push.Type);
        Assert.Equal("invalidate", push.Items[0].AsString());
        Assert.Equal(key, push.Items[1].Items[0].AsString());
        // Replies still reach the right callers after the push.
        Assert.Equal("after", await tracked.GetStringAsync(key));
        Assert.Equal("PONG", await tracked.PingAsync());
    }

    [Fact]
    public async Task Resp3WithAclUserAndName_HelloNegotiatesEverything()
    {
        await using var client = await ConnectAsync(redis.Server, o =>
        {
            o.Protocol = 3;
            o.ClientName = "resp3-client";
        });

        var info = (await client.ExecuteAsync("CLIENT INFO")).AsString()!;
        Assert.Contains("resp=3", info, StringComparison.Ordinal);
        Assert.Contains("name=resp3-client", info, StringComparison.Ordinal);
        Assert.Equal("bytes", Encoding.UTF8.GetString((await client.EvalAsync("return 'bytes'")).AsBytes()!));
    }
}
