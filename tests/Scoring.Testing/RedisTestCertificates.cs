using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Scoring.Testing;

/// <summary>
/// A throw-away CA plus a server certificate (CN=localhost, SAN localhost and 127.0.0.1) and a
/// client certificate, generated in-process for TLS tests against redis-server.
/// </summary>
public sealed class RedisTestCertificates : IDisposable
{
    private RedisTestCertificates(X509Certificate2 ca, X509Certificate2 server, X509Certificate2 client)
    {
        Authority = ca;
        Server = server;
        Client = client;
    }

    /// <summary>The self-signed CA (public part and key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>A client certificate with its private key (for <c>tls-auth-clients yes</c>).</summary>
    public X509Certificate2 Client { get; }

    /// <summary>Creates the three certificates.</summary>
    public static RedisTestCertificates Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Scoring Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var server = Issue(ca, "CN=localhost", now, serverAuth: true);
        var client = Issue(ca, "CN=scoring-test-client", now, serverAuth: false);
        return new RedisTestCertificates(ca, server, client);
    }

    /// <summary>Writes ca.crt, server.crt, server.key, client.crt, client.key (PEM) into <paramref name="directory"/>.</summary>
    public void WritePem(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "ca.crt"), Authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.crt"), Server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(directory, "client.crt"), Client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "client.key"), Client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, DateTimeOffset now, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
