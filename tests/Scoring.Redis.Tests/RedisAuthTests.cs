using Scoring.Testing;

namespace Scoring.Redis.Tests;

/// <summary>A server with requirepass and an ACL user.</summary>
public sealed class SecuredRedisFixture : IAsyncLifetime
{
    public const string Password = "default-secret";
    public const string UserName = "scoring";
    public const string UserPassword = "scoring-secret";

    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync(new RedisServerOptions
    {
        Password = Password,
        Users = [new RedisAclUser(UserName, UserPassword)],
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class RedisAuthTests(SecuredRedisFixture fixture) : IClassFixture<SecuredRedisFixture>
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Connect_WithPasswordOnly_AuthenticatesAsDefaultUser(int protocol)
    {
        await using var client = await Connect(o =>
        {
            o.Password = SecuredRedisFixture.Password;
            o.Protocol = protocol;
        });

        Assert.Equal("default", (await client.ExecuteAsync("ACL WHOAMI")).AsString());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Connect_WithAclUser_AuthenticatesAsThatUser(int protocol)
    {
        await using var client = await Connect(o =>
        {
            o.User = SecuredRedisFixture.UserName;
            o.Password = SecuredRedisFixture.UserPassword;
            o.Protocol = protocol;
            o.Database = 2;
        });

        Assert.Equal(SecuredRedisFixture.UserName, (await client.ExecuteAsync("ACL WHOAMI")).AsString());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Connect_WithWrongPassword_ThrowsWrongPass(int protocol)
    {
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Connect(o =>
        {
            o.User = SecuredRedisFixture.UserName;
            o.Password = "not-the-password";
            o.Protocol = protocol;
        }));

        Assert.Equal("WRONGPASS", error.Prefix);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithoutCredentialsToSecuredServer_ThrowsNoAuth()
    {
        // The connect handshake ends with a PING, so a missing password shows at start-up.
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Connect(_ => { }));

        Assert.Equal("NOAUTH", error.Prefix);
    }

    private Task<RedisClient> Connect(Action<RedisOptions> configure)
    {
        var options = new RedisOptions { Endpoint = fixture.Server.Endpoint, ConnectTimeout = TimeSpan.FromSeconds(10) };
        configure(options);
        return RedisClient.ConnectAsync(options);
    }
}
