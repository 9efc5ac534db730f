using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Scoring.Testing;

namespace Scoring.Redis.Tests;

/// <summary>TLS against redis-server's own TLS listener (Debian's build links OpenSSL).</summary>
public sealed class RedisTlsTests
{
    [Fact]
    public async Task Connect_TlsWithCustomCaValidation_RunsCommands()
    {
        Assert.True(RedisServer.SupportsTls, "the installed redis-server was built without TLS");
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true, Password = "tls-secret" });

        await using var client = await RedisClient.ConnectAsync(new RedisOptions
        {
            Endpoint = server.TlsEndpoint,
            UseTls = true,
            Password = "tls-secret",
            Protocol = 3,
            TlsCertificateValidation = TrustOnly(server.Certificates!.Authority),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        });

        await client.SetAsync("tls-key", new byte[100_000]);
        Assert.Equal(100_000, (await client.GetAsync("tls-key"))!.Length);
        Assert.Equal("PONG", await client.PingAsync());
    }

    [Fact]
    public async Task Connect_TlsWithUntrustedServerCertificate_FailsAsUnavailable()
    {
        Assert.True(RedisServer.SupportsTls, "the installed redis-server was built without TLS");
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true });

        var error = await Assert.ThrowsAsync<RedisUnavailableException>(() => RedisClient.ConnectAsync(new RedisOptions
        {
            Endpoint = server.TlsEndpoint,
            UseTls = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        }));

        Assert.Contains(server.TlsEndpoint.Replace("localhost", "localhost", StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Security.Authentication.AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task Connect_TlsServerRequiringClientCertificate_AcceptsOnlyWithCertificate()
    {
        Assert.True(RedisServer.SupportsTls, "the installed redis-server was built without TLS");
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true, RequireClientCertificate = true });
        var options = new RedisOptions
        {
            Endpoint = server.TlsEndpoint,
            UseTls = true,
            TlsServerName = "localhost",
            TlsCertificateValidation = TrustOnly(server.Certificates!.Authority),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };

        await Assert.ThrowsAsync<RedisUnavailableException>(() => RedisClient.ConnectAsync(options));

        options.TlsClientCertificate = server.Certificates.Client;
        await using var client = await RedisClient.ConnectAsync(options);
        Assert.Equal("PONG", await client.PingAsync());
    }

    private static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 authority) => (_, certificate, _, errors) =>
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    };
}
