using System.Text;
using Scoring.Testing;
using static Scoring.Redis.Tests.RedisTestHelpers;

namespace Scoring.Redis.Tests;

public sealed class RedisClientCommandTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task SetThenGet_AllReadShapes_ReturnTheStoredBytes()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("blob");
        var blob = Enumerable.Range(0, 1500).Select(i => (byte)(i * 7)).ToArray();

        Assert.True(await client.SetAsync(key, blob));

        Assert.Equal(blob, await client.GetAsync(key));
        using (var lease = await client.GetLeaseAsync(key))
        {
            Assert.Equal(blob, lease!.Span.ToArray());
        }

        var buffer = new byte[2048];
        var length = await client.GetIntoAsync(key, buffer);
        Assert.Equal(blob, buffer[..length]);
        Assert.Null(await client.GetAsync(Key("missing")));
        Assert.Null(await client.GetLeaseAsync(Key("missing")));
        Assert.Equal(-1, await client.GetIntoAsync(Key("missing"), buffer));
    }

    [Fact]
    public async Task Set_StringsIntegersAndDoubles_AreEncodedAsRedisExpects()
    {
        await using var client = await ConnectAsync(redis.Server);
        var text = Key("text");
        var number = Key("number");
        var real = Key("real");

        await client.SetAsync(text, "héllo wörld");
        await client.SetAsync(number, -1234567890123L);
        await client.SetAsync(real, 0.1);

        Assert.Equal("héllo wörld", await client.GetStringAsync(text));
        Assert.Equal(-1234567890122L, await client.IncrementByAsync(number, 1));
        Assert.Equal("0.1", await client.GetStringAsync(real));
    }

    [Fact]
    public async Task Set_WithNotExistsCondition_WritesOnlyTheFirstTime()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("nx");

        Assert.True(await client.SetAsync(key, "first", condition: RedisSetCondition.IfNotExists));
        Assert.False(await client.SetAsync(key, "second", condition: RedisSetCondition.IfNotExists));
        Assert.True(await client.SetAsync(key, "third", condition: RedisSetCondition.IfExists));
        Assert.False(await client.SetAsync(Key("absent"), "x", condition: RedisSetCondition.IfExists));
        Assert.Equal("third", await client.GetStringAsync(key));
    }

    [Fact]
    public async Task SetWithExpiryAndExpire_SetTimeToLive()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("ttl");

        await client.SetAsync(key, "v", expiry: TimeSpan.FromMinutes(5));
        var pttl = (await client.ExecuteAsync("PTTL", key)).AsInt64();
        Assert.InRange(pttl, 1, 300_000);

        Assert.True(await client.ExpireAsync(key, TimeSpan.FromSeconds(100)));
        Assert.InRange((await client.ExecuteAsync("TTL", key)).AsInt64(), 1, 100);
        Assert.True(await client.ExpireAsync(key, TimeSpan.FromMilliseconds(90_500)));
        Assert.InRange((await client.ExecuteAsync("PTTL", key)).AsInt64(), 1, 90_500);
        Assert.False(await client.ExpireAsync(Key("absent"), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task KeyCommands_MgetDelExists_ReportPerKeyResults()
    {
        await using var client = await ConnectAsync(redis.Server);
        var a = Key("a");
        var b = Key("b");
        var missing = Key("missing");
        await client.SetAsync(a, "1");
        await client.SetAsync(b, "2");

        var values = await client.GetManyAsync([a, missing, b]);
        Assert.Equal(["1", null, "2"], values.Select(v => v is null ? null : Encoding.UTF8.GetString(v)));
        Assert.Equal(2, await client.ExistsAsync([a, b, missing]));
        Assert.Equal(2, await client.DeleteAsync([a, b, missing]));
        Assert.False(await client.DeleteAsync(a));
        Assert.Equal(0, await client.ExistsAsync([a, b]));
    }

    [Fact]
    public async Task HashCommands_RoundTripFields()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("hash");

        Assert.Equal(3, await client.HashSetAsync(key, [new("f1", "one"), new("f2", 2L), new("f3", new byte[] { 0, 255 })]));
        Assert.False(await client.HashSetAsync(key, "f1", "uno"));
        Assert.True(await client.HashSetAsync(key, "f4", 4.5));

        Assert.Equal("uno", await client.HashGetStringAsync(key, "f1"));
        Assert.Equal(new byte[] { 0, 255 }, await client.HashGetAsync(key, "f3"));
        using (var lease = await client.HashGetLeaseAsync(key, "f2"))
        {
            Assert.Equal("2", Encoding.ASCII.GetString(lease!.Span));
        }

        var buffer = new byte[16];
        Assert.Equal(3, await client.HashGetIntoAsync(key, "f4", buffer));
        Assert.Equal("4.5", Encoding.ASCII.GetString(buffer, 0, 3));
        Assert.Null(await client.HashGetAsync(key, "nope"));

        var many = await client.HashGetManyAsync(key, ["f2", "nope", "f1"]);
        Assert.Equal(["2", null, "uno"], many.Select(v => v is null ? null : Encoding.UTF8.GetString(v)));

        var all = await client.HashGetAllAsync(key);
        Assert.Equal(["f1", "f2", "f3", "f4"], all.Select(e => e.Key).Order());

        Assert.Equal(2, await client.HashDeleteAsync(key, ["f1", "f2", "nope"]));
        Assert.Equal(2, (await client.HashGetAllAsync(key)).Length);
    }

    [Fact]
    public async Task ErrorReplies_SurfaceAsTypedServerExceptions()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("list");
        await client.ExecuteAsync("LPUSH", key, "x");

        var wrongType = await Assert.ThrowsAsync<RedisServerException>(async () => await client.GetAsync(key));
        Assert.Equal("WRONGTYPE", wrongType.Prefix);

        var unknown = await Assert.ThrowsAsync<RedisServerException>(async () => await client.ExecuteAsync("NOSUCHCOMMAND", "a"));
        Assert.Equal("ERR", unknown.Prefix);

        var noScript = await Assert.ThrowsAsync<RedisServerException>(async () => await client.EvalShaAsync(new string('0', 40)));
        Assert.Equal("NOSCRIPT", noScript.Prefix);

        // The connection stays in step after errors.
        Assert.Equal("PONG", await client.PingAsync());
    }

    [Fact]
    public async Task Pipelining_TenThousandConcurrentCommands_EachCallerGetsItsOwnReply()
    {
        await using var client = await ConnectAsync(redis.Server);
        var prefix = Key("pipe");
        const int count = 10_000;

        await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.SetAsync($"{prefix}:{i}", $"value-{i}").AsTask()));
        var reads = Enumerable.Range(0, count).Select(i => Task.Run(async () => (i, value: await client.GetStringAsync($"{prefix}:{i}"))));
        var results = await Task.WhenAll(reads);

        Assert.All(results, r => Assert.Equal($"value-{r.i}", r.value));
    }

    [Fact]
    public async Task Batch_ThousandHashReads_AreSentTogetherAndMatchedInOrder()
    {
        await using var client = await ConnectAsync(redis.Server);
        var prefix = Key("batchcust");
        var write = client.CreateBatch();
        var writes = Enumerable.Range(0, 1000).Select(i => write.HashSetAsync($"{prefix}:{i}", "score", i).AsTask()).ToList();
        write.Execute();
        await Task.WhenAll(writes);

        var read = client.CreateBatch();
        var reads = Enumerable.Range(0, 1000).Select(i => read.HashGetStringAsync($"{prefix}:{i}", "score").AsTask()).ToList();
        Assert.Equal(1000, read.Count);
        read.Execute();

        var values = await Task.WhenAll(reads);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), values);
        Assert.Throws<InvalidOperationException>(read.Execute);
    }

    [Fact]
    public async Task LuaScript_AfterScriptFlush_FallsBackToLoadAndRetries()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("lua");
        var script = new LuaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");

        Assert.Equal(5, await script.EvaluateInt64Async(client, [key], [5]));
        Assert.Equal(script.Sha1, await client.ScriptLoadAsync(script.Source));

        await client.ScriptFlushAsync();
        var noScript = await Assert.ThrowsAsync<RedisServerException>(async () => await client.EvalShaAsync(script.Sha1, [key], [1]));
        Assert.Equal("NOSCRIPT", noScript.Prefix);

        Assert.Equal(12, (await client.ScriptEvaluateAsync(script, [key], [7])).AsInt64());
        Assert.Equal(13, (await client.EvalShaAsync(script.Sha1, [key], [1])).AsInt64());
    }

    [Fact]
    public async Task MemoryUsage_ExistingAndMissingKeys_ReturnsBytesOrNull()
    {
        await using var client = await ConnectAsync(redis.Server);
        var key = Key("mem");
        await client.SetAsync(key, new byte[1500]);

        Assert.InRange((await client.MemoryUsageAsync(key))!.Value, 1500, 4096);
        Assert.Null(await client.MemoryUsageAsync(Key("missing")));
    }

    [Fact]
    public async Task InfoAndFlushDb_WorkOnAPrivateDatabase()
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Database = 7);
        await client.SetAsync(Key("f"), "x");

        Assert.Contains("redis_version:7.", await client.InfoAsync("server"), StringComparison.Ordinal);
        Assert.True(await client.FlushDatabaseAsync());
        Assert.Equal(0, (await client.ExecuteAsync("DBSIZE")).AsInt64());
    }

    [Fact]
    public async Task Select_DifferentDatabases_AreIsolated()
    {
        await using var db0 = await ConnectAsync(redis.Server);
        await using var db3 = await ConnectAsync(redis.Server, o => o.Database = 3);
        var key = Key("shared");

        await db0.SetAsync(key, "zero");
        await db3.SetAsync(key, "three");

        Assert.Equal("zero", await db0.GetStringAsync(key));
        Assert.Equal("three", await db3.GetStringAsync(key));
        Assert.Equal("3", (await db3.ExecuteAsync("CLIENT INFO")).AsString()!.Split(' ').Single(p => p.StartsWith("db=", StringComparison.Ordinal))[3..]);
    }

    [Fact]
    public async Task ClientName_IsSetOnTheConnection()
    {
        await using var client = await ConnectAsync(redis.Server, o => o.ClientName = "scoring-test");
        Assert.Equal("scoring-test", (await client.ExecuteAsync("CLIENT GETNAME")).AsString());
    }

    [Fact]
    public async Task Cancellation_BeforeReply_CancelsTheCallerOnlyAndConnectionStaysInStep()
    {
        await using var client = await ConnectAsync(redis.Server);
        await using var blocker = await client.CreateDedicatedConnectionAsync();
        using var cts = new CancellationTokenSource();
        var list = Key("blpop");

        var blocked = blocker.ExecuteAsync("BLPOP", cts.Token, list, 5).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);

        // The BLPOP reply (after 5 s or when pushed) is discarded; later commands still match.
        await client.ExecuteAsync("RPUSH", list, "item");
        Assert.Equal("PONG", await blocker.PingAsync());
    }
}
