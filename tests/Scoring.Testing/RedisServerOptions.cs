namespace Scoring.Testing;

/// <summary>How a test wants its <see cref="RedisServer"/> configured.</summary>
public sealed class RedisServerOptions
{
    /// <summary>Sets <c>requirepass</c> (the password of the <c>default</c> user).</summary>
    public string? Password { get; init; }

    /// <summary>Extra ACL users, written as <c>user</c> lines in the generated config.</summary>
    public IReadOnlyList<RedisAclUser> Users { get; init; } = [];

    /// <summary>Also listen with TLS on a second free port (certificates generated per server).</summary>
    public bool Tls { get; init; }

    /// <summary>With <see cref="Tls"/>: require clients to present a certificate signed by the test CA.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>Allows DEBUG (off by default since Redis 7).</summary>
    public bool EnableDebugCommand { get; init; }

    /// <summary>Further raw config lines, e.g. <c>maxmemory 10mb</c>.</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}

/// <summary>An ACL user: <c>user NAME on &gt;PASSWORD RULES</c>.</summary>
/// <param name="Name">User name.</param>
/// <param name="Password">Plain-text password.</param>
/// <param name="Rules">ACL rules; default grants every key and command.</param>
public sealed record RedisAclUser(string Name, string Password, string Rules = "~* &* +@all");
