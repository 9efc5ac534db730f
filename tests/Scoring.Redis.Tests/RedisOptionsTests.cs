namespace Scoring.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Theory]
    [InlineData("", nameof(RedisOptions.Endpoint))]
    [InlineData("localhost:0", nameof(RedisOptions.Endpoint))]
    [InlineData("localhost:70000", nameof(RedisOptions.Endpoint))]
    [InlineData("localhost:abc", nameof(RedisOptions.Endpoint))]
    [InlineData(":6379", nameof(RedisOptions.Endpoint))]
    public void Validate_BadEndpoint_NamesTheField(string endpoint, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisOptions { Endpoint = endpoint }.Validate());
        Assert.Equal(field, error.ParamName);
        Assert.Contains("RedisOptions.Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis.internal:6380", "redis.internal", 6380)]
    [InlineData("redis.internal", "redis.internal", 6379)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("::1", "::1", 6379)]
    public void ParseEndpoint_ValidForms_ReturnsHostAndPort(string endpoint, string host, int port)
    {
        Assert.Equal((host, port), new RedisOptions { Endpoint = endpoint }.ParseEndpoint());
    }

    public static TheoryData<Action<RedisOptions>, string> InvalidSettings => new()
    {
        { o => o.Database = -1, nameof(RedisOptions.Database) },
        { o => o.User = "alice", nameof(RedisOptions.Password) },
        { o => { o.User = "two words"; o.Password = "p"; }, nameof(RedisOptions.User) },
        { o => o.ConnectTimeout = TimeSpan.Zero, nameof(RedisOptions.ConnectTimeout) },
        { o => o.CommandTimeout = TimeSpan.FromSeconds(-1), nameof(RedisOptions.CommandTimeout) },
        { o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(10), nameof(RedisOptions.ReconnectMaxDelay) },
        { o => o.Protocol = 4, nameof(RedisOptions.Protocol) },
        { o => o.PoolSize = 0, nameof(RedisOptions.PoolSize) },
        { o => o.ClientName = "has space", nameof(RedisOptions.ClientName) },
        { o => o.TlsServerName = "", nameof(RedisOptions.TlsServerName) },
        { o => o.MaxBulkLength = 10, nameof(RedisOptions.MaxBulkLength) },
        { o => o.MaxNestingDepth = 1000, nameof(RedisOptions.MaxNestingDepth) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Validate_InvalidSetting_ThrowsNamingTheProperty(Action<RedisOptions> configure, string property)
    {
        var options = new RedisOptions();
        configure(options);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(property, error.ParamName);
        Assert.Contains($"RedisOptions.{property}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        new RedisOptions().Validate();
    }

    [Fact]
    public async Task ConnectAsync_InvalidOptions_ThrowsBeforeConnecting()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RedisClient.ConnectAsync(new RedisOptions { PoolSize = 100 }));
    }
}
