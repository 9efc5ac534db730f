using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scoring.Host.Configuration;
using Scoring.Host.Infrastructure;
using Scoring.Testing;
using StackExchange.Redis;

namespace Scoring.EndToEnd.Tests;

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

/// <summary>
/// The service's "Redis" settings as StackExchange.Redis uses them, against real redis-server
/// processes: AUTH with requirepass and with an ACL user, TLS with a private CA (and a client
/// certificate), and the process's connection surviving a Redis restart.
/// </summary>
public sealed class RedisConnectionTests(SecuredRedisFixture secured) : IClassFixture<SecuredRedisFixture>
{
    [Fact]
    public async Task Connect_WithPasswordOnly_AuthenticatesAsDefaultUser()
    {
        await using var mux = await ConnectAsync(new RedisOptions { Endpoint = secured.Server.Endpoint, Password = SecuredRedisFixture.Password });

        Assert.Equal("default", (string?)await mux.GetDatabase().ExecuteAsync("ACL", "WHOAMI"));
    }

    [Fact]
    public async Task Connect_WithAclUserAndDatabase_AuthenticatesAsThatUserInThatDatabase()
    {
        var options = new RedisOptions { Endpoint = secured.Server.Endpoint, User = SecuredRedisFixture.UserName, Password = SecuredRedisFixture.UserPassword, Database = 2 };
        await using var mux = await ConnectAsync(options);
        var db = mux.GetDatabase();

        Assert.Equal(SecuredRedisFixture.UserName, (string?)await db.ExecuteAsync("ACL", "WHOAMI"));
        await db.StringSetAsync("in-db-2", "yes");
        Assert.Contains(" db=2 ", (string?)await db.ExecuteAsync("CLIENT", "INFO"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithWrongPassword_StaysDisconnectedAndNeverShowsThePassword()
    {
        var options = new RedisOptions { Endpoint = secured.Server.Endpoint, User = SecuredRedisFixture.UserName, Password = "not-the-password" };
        await using var mux = await ConnectAsync(options);

        Assert.False(mux.IsConnected);
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => mux.GetDatabase().PingAsync());
        Assert.DoesNotContain("not-the-password", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("Unavailable", FeatureStoreAccessor.Unavailable(error).StatusCode.ToString()); // by name: the status type moves with the transport
    }

    [Fact]
    public async Task Connect_TlsWithPrivateCa_RunsCommands()
    {
        Assert.True(RedisServer.SupportsTls, "the installed redis-server was built without TLS");
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true, Password = "tls-secret" });
        var pem = WritePem(server);

        await using var mux = await ConnectAsync(new RedisOptions
        {
            Endpoint = server.TlsEndpoint,
            UseTls = true,
            Password = "tls-secret",
            TlsCaCertificatePath = Path.Combine(pem, "ca.crt"),
        });
        var db = mux.GetDatabase();

        Assert.True(mux.IsConnected);
        await db.StringSetAsync("tls", "ok");
        Assert.Equal("ok", (string?)await db.StringGetAsync("tls"));
    }

    [Fact]
    public async Task Connect_TlsWithUntrustedServerCertificate_StaysDisconnected()
    {
        Assert.True(RedisServer.SupportsTls, "the installed redis-server was built without TLS");
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true });

        await using var mux = await ConnectAsync(new RedisOptions { Endpoint = server.TlsEndpoint, UseTls = true });

        Assert.False(mux.IsConnected);
        await Assert.ThrowsAsync<RedisConnectionException>(() => mux.GetDatabase().PingAsync());
    }

    [Fact]
    public async Task Connect_TlsServerRequiringClientCertificate_ConnectsWithTheConfiguredCertificate()
    {
        Assert.True(RedisServer.SupportsTls, "the installed redis-server was built without TLS");
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true, RequireClientCertificate = true });
        var pem = WritePem(server);

        await using var mux = await ConnectAsync(new RedisOptions
        {
            Endpoint = server.TlsEndpoint,
            UseTls = true,
            TlsServerName = "localhost",
            TlsCaCertificatePath = Path.Combine(pem, "ca.crt"),
            TlsClientCertificatePath = Path.Combine(pem, "client.crt"),
            TlsClientKeyPath = Path.Combine(pem, "client.key"),
        });

        Assert.True(mux.IsConnected);
        await mux.GetDatabase().PingAsync();
    }

    [Fact]
    public async Task RedisConnection_RedisRestarted_CallersGetUnavailableThenItReconnectsByItself()
    {
        await using var server = await RedisServer.StartAsync();
        using var connection = new RedisConnection(
            Options.Create(new RedisOptions { Endpoint = server.Endpoint, ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(300) }),
            NullLogger<RedisConnection>.Instance);
        await connection.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(async () => await connection.CheckAsync(CancellationToken.None), "the first connection");
            await connection.Database.StringSetAsync("k", "before");

            await server.StopAsync();
            await WaitUntilAsync(async () => !await connection.CheckAsync(CancellationToken.None), "the probe to notice the drop");
            var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.Database.StringGetAsync("k"));
            Assert.True(error is RedisConnectionException or RedisTimeoutException, $"unexpected {error.GetType().Name}");
            Assert.Equal("Unavailable", FeatureStoreAccessor.Unavailable(error).StatusCode.ToString()); // by name: the status type moves with the transport

            await server.RestartAsync();
            await WaitUntilAsync(async () => await connection.CheckAsync(CancellationToken.None), "the multiplexer to reconnect by itself");
            await connection.Database.StringSetAsync("k", "after-restart");
            Assert.Equal("after-restart", (string?)await connection.Database.StringGetAsync("k"));
        }
        finally
        {
            await connection.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("Endpoint", "localhost", "Redis:Endpoint must be host:port")]
    [InlineData("Endpoint", "localhost:99999", "Redis:Endpoint must be host:port")]
    [InlineData("User", "scoring", "Redis:Password is required")]
    [InlineData("Configuration", "otherhost:6379", "Redis:Configuration must not name endpoints")]
    [InlineData("TlsServerName", "redis.internal", "Redis:UseTls must be true")]
    public void Validate_BadSetting_NamesIt(string setting, string value, string message)
    {
        var options = new RedisOptions();
        typeof(RedisOptions).GetProperty(setting)!.SetValue(options, value);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToConfigurationOptions_ServiceSettings_MapOntoStackExchangeRedis()
    {
        var config = new RedisOptions
        {
            Endpoint = "redis.internal:6390",
            User = "scoring",
            Password = "pw",
            Database = 3,
            CommandTimeout = TimeSpan.FromMilliseconds(500),
            ClientName = "scoring",
            Configuration = "keepAlive=7",
        }.ToConfigurationOptions();

        Assert.Equal("Unspecified/redis.internal:6390", Assert.Single(config.EndPoints).ToString()); // a DnsEndPoint
        Assert.Equal(("scoring", "pw", 3), (config.User, config.Password, config.DefaultDatabase));
        Assert.Equal((500, 500), (config.SyncTimeout, config.AsyncTimeout));
        Assert.Equal(("scoring", 7), (config.ClientName, config.KeepAlive));
        Assert.False(config.AbortOnConnectFail);
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(RedisOptions options)
    {
        options.ConnectTimeout = TimeSpan.FromSeconds(10);
        return await ConnectionMultiplexer.ConnectAsync(options.ToConfigurationOptions());
    }

    private static string WritePem(RedisServer server)
    {
        var dir = Path.Combine(server.Directory, "client-pem");
        Directory.CreateDirectory(dir);
        server.Certificates!.WritePem(dir);
        return dir;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
