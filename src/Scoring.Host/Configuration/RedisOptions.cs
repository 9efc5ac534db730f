using System.Globalization;
using StackExchange.Redis;

namespace Scoring.Host.Configuration;

/// <summary>
/// The feature store's Redis connection, section "Redis" (env vars like Redis__Endpoint), mapped
/// onto StackExchange.Redis <see cref="ConfigurationOptions"/> by <see cref="ToConfigurationOptions"/>.
/// <see cref="Validate"/> runs at start-up and names the bad setting.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary><c>host:port</c>, e.g. <c>localhost:6379</c>.</summary>
    public string Endpoint { get; set; } = "localhost:6379";

    /// <summary>ACL user name; unset authenticates as <c>default</c> with <see cref="Password"/> only.</summary>
    public string? User { get; set; }

    /// <summary>Password (requirepass or the ACL user's). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Database index (SELECT), 0 by default.</summary>
    public int Database { get; set; }

    /// <summary>Connect with TLS.</summary>
    public bool UseTls { get; set; }

    /// <summary>TLS server name (SNI and certificate check); defaults to the endpoint's host.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>PEM file of a private CA that issued the server's certificate (trusted in addition to the system's).</summary>
    public string? TlsCaCertificatePath { get; set; }

    /// <summary>PEM client certificate for servers with <c>tls-auth-clients yes</c>; needs <see cref="TlsClientKeyPath"/>.</summary>
    public string? TlsClientCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="TlsClientCertificatePath"/>.</summary>
    public string? TlsClientKeyPath { get; set; }

    /// <summary>Limit for connecting (TCP, TLS, handshake).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-command timeout (SyncTimeout and AsyncTimeout); a late reply fails with RedisTimeoutException.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First reconnect delay; grows exponentially up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent with CLIENT SETNAME; visible in CLIENT LIST.</summary>
    public string? ClientName { get; set; }

    /// <summary>
    /// Optional StackExchange.Redis configuration string for anything not above (e.g.
    /// <c>keepAlive=30</c>; https://stackexchange.github.io/StackExchange.Redis/Configuration).
    /// The settings above win over it; it must not name endpoints (use <see cref="Endpoint"/>).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> whose message names the first bad setting.</summary>
    public void Validate()
    {
        _ = ParseEndpoint();
        if (Database is < 0 or > 10_000)
        {
            throw Invalid(nameof(Database), $"must be between 0 and 10000, was {Database}");
        }

        if (User is not null && Password is null)
        {
            throw Invalid(nameof(Password), "is required when Redis:User is set");
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
            throw Invalid(nameof(ReconnectMaxDelay), $"({ReconnectMaxDelay}) must not be below Redis:ReconnectMinDelay ({ReconnectMinDelay})");
        }

        if (ClientName is not null && (ClientName.Length == 0 || ClientName.Any(c => c <= ' ' || c > '~')))
        {
            throw Invalid(nameof(ClientName), "must be non-empty printable ASCII without spaces");
        }

        if (TlsServerName is { Length: 0 })
        {
            throw Invalid(nameof(TlsServerName), "must not be empty");
        }

        if (!UseTls && (TlsServerName ?? TlsCaCertificatePath ?? TlsClientCertificatePath ?? TlsClientKeyPath) is not null)
        {
            throw Invalid(nameof(UseTls), "must be true when a Redis:Tls* setting is given");
        }

        RequireFile(TlsCaCertificatePath, nameof(TlsCaCertificatePath));
        RequireFile(TlsClientCertificatePath, nameof(TlsClientCertificatePath));
        RequireFile(TlsClientKeyPath, nameof(TlsClientKeyPath));
        if ((TlsClientCertificatePath is null) != (TlsClientKeyPath is null))
        {
            throw Invalid(nameof(TlsClientKeyPath), "and Redis:TlsClientCertificatePath must be set together");
        }

        if (!string.IsNullOrWhiteSpace(Configuration))
        {
            ConfigurationOptions parsed;
            try
            {
                parsed = ConfigurationOptions.Parse(Configuration);
            }
            catch (ArgumentException ex)
            {
                throw Invalid(nameof(Configuration), $"is not a valid StackExchange.Redis configuration string ({ex.Message})");
            }

            if (parsed.EndPoints.Count > 0)
            {
                throw Invalid(nameof(Configuration), "must not name endpoints; use Redis:Endpoint");
            }
        }
    }

    /// <summary>
    /// The StackExchange.Redis configuration: <see cref="Configuration"/> first, then the named
    /// settings. AbortOnConnectFail is off so the process starts (not ready) while Redis is down
    /// and the multiplexer keeps reconnecting; the backlog policy is fail-fast, so while
    /// disconnected commands fail at once (callers see UNAVAILABLE) instead of queueing until
    /// their timeout (https://stackexchange.github.io/StackExchange.Redis/Configuration).
    /// </summary>
    public ConfigurationOptions ToConfigurationOptions()
    {
        Validate();
        var (host, port) = ParseEndpoint();
        var options = string.IsNullOrWhiteSpace(Configuration) ? new ConfigurationOptions() : ConfigurationOptions.Parse(Configuration);
        options.EndPoints.Add(host, port);
        options.User = User;
        options.Password = Password;
        options.DefaultDatabase = Database;
        options.Ssl = UseTls;
        options.ConnectTimeout = Milliseconds(ConnectTimeout);
        options.SyncTimeout = Milliseconds(CommandTimeout);
        options.AsyncTimeout = Milliseconds(CommandTimeout);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new ExponentialRetry(Milliseconds(ReconnectMinDelay), Milliseconds(ReconnectMaxDelay));
        if (ClientName is not null)
        {
            options.ClientName = ClientName;
        }

        if (UseTls)
        {
            options.SslHost = TlsServerName ?? host;
            if (TlsCaCertificatePath is not null)
            {
                options.TrustIssuer(TlsCaCertificatePath);
            }

            if (TlsClientCertificatePath is not null)
            {
                options.SetUserPemCertificate(TlsClientCertificatePath, TlsClientKeyPath);
            }
        }

        return options;
    }

    /// <summary>The endpoint for messages (never the password).</summary>
    public override string ToString() => Endpoint;

    internal (string Host, int Port) ParseEndpoint()
    {
        var text = Endpoint?.Trim() ?? string.Empty;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || (text.IndexOf(':', StringComparison.Ordinal) != colon && !text.StartsWith('[')))
        {
            throw Invalid(nameof(Endpoint), $"must be host:port, was '{Endpoint}'");
        }

        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Invalid(nameof(Endpoint), $"must be host:port with a port of 1..65535, was '{Endpoint}'");
        }

        return (host, port);
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Ceiling(value.TotalMilliseconds);

    private static ArgumentException Invalid(string setting, string problem) =>
        new($"{Section}:{setting} {problem}.", setting);

    private static void Positive(TimeSpan value, string setting)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw Invalid(setting, $"must be positive and at most one day, was {value}");
        }
    }

    private static void RequireFile(string? path, string setting)
    {
        if (path is not null && !File.Exists(path))
        {
            throw Invalid(setting, $"names a file that does not exist: '{path}'");
        }
    }
}
