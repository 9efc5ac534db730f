using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Scoring.Redis;

/// <summary>
/// Connection settings, bindable from configuration (plain settable properties). Call
/// <see cref="Validate"/> at start-up; <see cref="RedisClient.ConnectAsync"/> does it too.
/// </summary>
public sealed class RedisOptions
{
    /// <summary><c>host:port</c>, e.g. <c>localhost:6379</c>. Port defaults to 6379 when omitted.</summary>
    public string Endpoint { get; set; } = "localhost:6379";

    /// <summary>ACL user name; null authenticates as <c>default</c> with <see cref="Password"/> only.</summary>
    public string? User { get; set; }

    /// <summary>Password (requirepass or the ACL user's). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Database index selected on every connection (0..15 with a default server config).</summary>
    public int Database { get; set; }

    /// <summary>Connect with TLS (SslStream).</summary>
    public bool UseTls { get; set; }

    /// <summary>TLS server name (SNI and certificate check); defaults to the endpoint's host.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Optional client certificate for servers with <c>tls-auth-clients yes</c>. Not bindable from configuration.</summary>
    public X509Certificate2? TlsClientCertificate { get; set; }

    /// <summary>Optional custom server-certificate validation (e.g. a private CA). Not bindable from configuration.</summary>
    public RemoteCertificateValidationCallback? TlsCertificateValidation { get; set; }

    /// <summary>Limit for TCP connect + TLS + handshake (HELLO/AUTH/SELECT).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-command timeout; a command without a reply by then fails with <see cref="RedisTimeoutException"/>.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First reconnect delay; doubles per failed attempt (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent with CLIENT SETNAME (or HELLO SETNAME); visible in CLIENT LIST.</summary>
    public string? ClientName { get; set; }

    /// <summary>RESP version: 2 (default) or 3 (negotiated with HELLO 3).</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>Number of multiplexed connections; commands are spread round-robin. Default 1.</summary>
    public int PoolSize { get; set; } = 1;

    /// <summary>Largest bulk string accepted from the server (protection against hostile lengths).</summary>
    public long MaxBulkLength { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest array/map/set element count accepted from the server.</summary>
    public int MaxAggregateLength { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of aggregates accepted from the server.</summary>
    public int MaxNestingDepth { get; set; } = 32;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        _ = ParseEndpoint();
        if (Database is < 0 or > 10_000)
        {
            throw Invalid(nameof(Database), $"must be between 0 and 10000, was {Database}");
        }

        if (User is not null && Password is null)
        {
            throw Invalid(nameof(Password), "is required when User is set");
        }

        if (User is { Length: 0 } || (User?.Any(char.IsWhiteSpace) ?? false))
        {
            throw Invalid(nameof(User), "must be non-empty without whitespace");
        }

        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(CommandTimeout, nameof(CommandTimeout));
        Positive(ReconnectMinDelay, nameof(ReconnectMinDelay));
        Positive(ReconnectMaxDelay, nameof(ReconnectMaxDelay));
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            throw Invalid(nameof(ReconnectMaxDelay), $"({ReconnectMaxDelay}) must not be below ReconnectMinDelay ({ReconnectMinDelay})");
        }

        if (Protocol is not (2 or 3))
        {
            throw Invalid(nameof(Protocol), $"must be 2 or 3, was {Protocol}");
        }

        if (PoolSize is < 1 or > 64)
        {
            throw Invalid(nameof(PoolSize), $"must be between 1 and 64, was {PoolSize}");
        }

        if (ClientName is not null && (ClientName.Length == 0 || ClientName.Any(c => c <= ' ' || c > '~')))
        {
            throw Invalid(nameof(ClientName), "must be non-empty printable ASCII without spaces");
        }

        if (TlsServerName is { Length: 0 })
        {
            throw Invalid(nameof(TlsServerName), "must not be empty");
        }

        if (MaxBulkLength is < 1024 or > 1024L * 1024 * 1024)
        {
            throw Invalid(nameof(MaxBulkLength), "must be between 1 KB and 1 GB");
        }

        if (MaxAggregateLength < 16)
        {
            throw Invalid(nameof(MaxAggregateLength), "must be at least 16");
        }

        if (MaxNestingDepth is < 2 or > 256)
        {
            throw Invalid(nameof(MaxNestingDepth), "must be between 2 and 256");
        }
    }

    /// <summary>A copy (used for dedicated connections).</summary>
    public RedisOptions Clone() => (RedisOptions)MemberwiseClone();

    internal (string Host, int Port) ParseEndpoint()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            throw Invalid(nameof(Endpoint), "is required (host:port)");
        }

        var text = Endpoint.Trim();
        var colon = text.LastIndexOf(':');
        // "[::1]:6379" or "host:6379"; a bare IPv6 address without brackets has several colons.
        if (colon < 0 || (text.IndexOf(':') != colon && !text.StartsWith('[')))
        {
            return (text.Trim('[', ']'), 6379);
        }

        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            throw Invalid(nameof(Endpoint), $"'{Endpoint}' has no host");
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Invalid(nameof(Endpoint), $"'{Endpoint}' has an invalid port (1..65535)");
        }

        return (host, port);
    }

    private static ArgumentException Invalid(string property, string problem) =>
        new($"RedisOptions.{property} {problem}.", property);

    private static void Positive(TimeSpan value, string property)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw Invalid(property, $"must be positive and at most one day, was {value}");
        }
    }
}
