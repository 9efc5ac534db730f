using System.Text;
using Scoring.Testing;
using static Scoring.Redis.Tests.RedisTestHelpers;

namespace Scoring.Redis.Tests;

public sealed class RedisStreamTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StreamRoundTrip_AddReadAckPending_TracksDeliveryState(int protocol)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);
        await using var reader = await client.CreateDedicatedConnectionAsync();
        var stream = Key("events");

        Assert.True(await client.StreamCreateGroupAsync(stream, "scorers", "0"));
        Assert.False(await client.StreamCreateGroupAsync(stream, "scorers", "0"));

        var first = await client.StreamAddAsync(stream, [new("type", "purchase"), new("amount", 12.5)], maxLength: 1000);
        var second = await client.StreamAddAsync(stream, [new("type", "payment"), new("amount", 100L)]);
        Assert.Equal(2, await client.StreamLengthAsync(stream));

        var read = await reader.StreamReadGroupAsync("scorers", "c1", [stream], count: 10, block: TimeSpan.FromSeconds(1));
        var messages = Assert.Single(read);
        Assert.Equal(stream, messages.Stream);
        Assert.Equal([first, second], messages.Entries.Select(e => e.Id));
        Assert.Equal("purchase", Encoding.UTF8.GetString(messages.Entries[0].Fields.Single(f => f.Key == "type").Value));
        Assert.Equal("12.5", Encoding.UTF8.GetString(messages.Entries[0].Fields.Single(f => f.Key == "amount").Value));

        var summary = await client.StreamPendingAsync(stream, "scorers");
        Assert.Equal(2, summary.Count);
        Assert.Equal(first, summary.SmallestId);
        Assert.Equal(second, summary.LargestId);
        Assert.Equal(new KeyValuePair<string, long>("c1", 2), Assert.Single(summary.Consumers));

        var pending = await client.StreamPendingRangeAsync(stream, "scorers", 10);
        Assert.Equal([first, second], pending.Select(p => p.Id));
        Assert.All(pending, p => Assert.Equal(("c1", 1L), (p.Consumer, p.DeliveryCount)));

        Assert.Equal(1, await client.StreamAcknowledgeAsync(stream, "scorers", [first!]));
        Assert.Equal(1, (await client.StreamPendingAsync(stream, "scorers")).Count);

        var groups = await client.StreamGroupsInfoAsync(stream);
        var group = Assert.Single(groups);
        Assert.Equal(("scorers", 1L, 1L, second), (group.Name, group.Consumers, group.Pending, group.LastDeliveredId));
        Assert.Equal(0, group.Lag);

        var info = await client.StreamInfoAsync(stream);
        Assert.Equal((2L, second, 1L, first, second), (info.Length, info.LastGeneratedId, info.Groups, info.FirstEntryId, info.LastEntryId));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StreamRead_AfterAnId_ReturnsOnlyLaterEntriesToEveryReader(int protocol)
    {
        await using var client = await ConnectAsync(redis.Server, o => o.Protocol = protocol);
        var stream = Key("fanout");
        var first = await client.StreamAddAsync(stream, [new("n", 1)]);
        var second = await client.StreamAddAsync(stream, [new("n", 2)]);
        var third = await client.StreamAddAsync(stream, [new("n", 3)]);

        var all = Assert.Single(await client.StreamReadAsync(stream, "0-0"));
        Assert.Equal(stream, all.Stream);
        Assert.Equal([first, second, third], all.Entries.Select(e => e.Id));

        // No group: a second read sees the same entries; COUNT bounds the batch.
        var later = Assert.Single(await client.StreamReadAsync(stream, first!, count: 1));
        Assert.Equal([second], later.Entries.Select(e => e.Id));
        Assert.Equal("2", Encoding.UTF8.GetString(later.Entries[0].Fields.Single(f => f.Key == "n").Value));
        Assert.Empty(await client.StreamReadAsync(stream, third!));
    }

    [Fact]
    public async Task StreamRead_Blocking_WakesOnAnEntryAddedMeanwhileOrReturnsEmpty()
    {
        await using var client = await ConnectAsync(redis.Server, o => o.CommandTimeout = TimeSpan.FromMilliseconds(1500));
        await using var reader = await client.CreateDedicatedConnectionAsync();
        var stream = Key("wake");
        var start = await client.StreamAddAsync(stream, [new("n", 0)]);

        Assert.Empty(await reader.StreamReadAsync(stream, start!, block: TimeSpan.FromMilliseconds(2000)));

        var waiting = reader.StreamReadAsync(stream, start!, block: TimeSpan.FromSeconds(10)).AsTask();
        await Task.Delay(100);
        var added = await client.StreamAddAsync(stream, [new("n", 1)]);
        var woke = Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal([added], woke.Entries.Select(e => e.Id));
    }

    [Fact]
    public async Task StreamReadGroup_BlockWithNothingNew_ReturnsEmptyAfterBlock()
    {
        await using var client = await ConnectAsync(redis.Server, o => o.CommandTimeout = TimeSpan.FromMilliseconds(1500));
        var stream = Key("quiet");
        await client.StreamCreateGroupAsync(stream, "g");

        // BLOCK longer than the command timeout: the timeout is extended by the block time.
        var read = await client.StreamReadGroupAsync("g", "c", [stream], block: TimeSpan.FromMilliseconds(2000));

        Assert.Empty(read);
    }

    [Fact]
    public async Task StreamReadGroup_MultipleStreams_ReturnsEachStreamsEntries()
    {
        await using var client = await ConnectAsync(redis.Server);
        var a = Key("sa");
        var b = Key("sb");
        await client.StreamCreateGroupAsync(a, "g", "0");
        await client.StreamCreateGroupAsync(b, "g", "0");
        await client.StreamAddAsync(a, [new("n", 1)]);
        await client.StreamAddAsync(b, [new("n", 2)]);
        await client.StreamAddAsync(b, [new("n", 3)]);

        var read = await client.StreamReadGroupAsync("g", "c", [a, b], count: 10);

        Assert.Equal([(a, 1), (b, 2)], read.Select(m => (m.Stream, m.Entries.Count)));
    }

    [Fact]
    public async Task StreamAutoClaim_AfterIdle_MovesEntriesToTheNewConsumer()
    {
        await using var client = await ConnectAsync(redis.Server);
        var stream = Key("claim");
        await client.StreamCreateGroupAsync(stream, "g", "0");
        var id = await client.StreamAddAsync(stream, [new("k", "v")]);
        var deleted = await client.StreamAddAsync(stream, [new("k", "gone")]);
        await client.StreamReadGroupAsync("g", "crashed", [stream]);
        Assert.Equal(1, await client.StreamDeleteAsync(stream, [deleted!]));

        RedisAutoClaimResult claim = new("0-0", [], []);
        var deletedSeen = new List<string>();
        await WaitUntilAsync(
            async () =>
            {
                claim = await client.StreamAutoClaimAsync(stream, "g", "rescuer", TimeSpan.FromMilliseconds(100), count: 10);
                // Redis 7.0 reports (and drops) deleted entries even before they are idle enough.
                deletedSeen.AddRange(claim.DeletedIds);
                return claim.Claimed.Count > 0;
            },
            "entries idle long enough to claim");

        Assert.Equal(id, Assert.Single(claim.Claimed).Id);
        Assert.Equal([deleted!], deletedSeen);
        Assert.Equal("0-0", claim.NextStartId);
        var pending = await client.StreamPendingRangeAsync(stream, "g", 10, consumer: "rescuer");
        Assert.Equal(2, Assert.Single(pending).DeliveryCount);
    }

    [Fact]
    public async Task StreamTrimAndMaxLen_BoundTheStream()
    {
        await using var client = await ConnectAsync(redis.Server);
        var stream = Key("trim");
        for (var i = 0; i < 50; i++)
        {
            await client.StreamAddAsync(stream, [new("i", i)], maxLength: 20, approximateTrim: false);
        }

        Assert.Equal(20, await client.StreamLengthAsync(stream));
        Assert.Equal(10, await client.StreamTrimAsync(stream, 10, approximate: false));
        Assert.Equal(10, await client.StreamLengthAsync(stream));
    }
}
