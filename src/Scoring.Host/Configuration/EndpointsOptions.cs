using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Scoring.Host.Configuration;

/// <summary>Where the service listens. Section "Endpoints"; env vars like Endpoints__Grpc.</summary>
public sealed class EndpointsOptions : IValidatableObject
{
    public const string Section = "Endpoints";

    /// <summary>gRPC over HTTP/2: h2c, or TLS when <see cref="CertificatePath"/> is set.</summary>
    public string Grpc { get; set; } = "127.0.0.1:50051";

    /// <summary>
    /// HTTP/1.1 for callers without a native gRPC stack: gRPC-Web and HTTP/JSON (the protos'
    /// google.api.http routes). Kestrel cannot offer HTTP/1.1 and h2c on one cleartext port
    /// (there is no TLS handshake to negotiate the protocol), hence a port of its own; empty
    /// turns it off. With a certificate both ports serve TLS with HTTP/1.1 and HTTP/2.
    /// </summary>
    public string? Http { get; set; } = "127.0.0.1:8080";

    /// <summary>Prometheus exposition (HTTP/1.1) at /metrics.</summary>
    public string Metrics { get; set; } = "127.0.0.1:9464";

    /// <summary>PEM certificate (with <see cref="CertificateKeyPath"/>) or PFX; empty for h2c.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificateKeyPath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Run socket completions on the epoll thread instead of queueing each to the thread pool
    /// (the runtime's DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, which wins when set). Read
    /// once at process start, by Program.
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPEndPoint.TryParse(Grpc, out var grpc) || grpc.Port == 0)
        {
            yield return new ValidationResult($"Endpoints:Grpc '{Grpc}' is not an address:port such as 127.0.0.1:50051.", [nameof(Grpc)]);
        }
        if (!IPEndPoint.TryParse(Metrics, out var metrics) || metrics.Port == 0)
        {
            yield return new ValidationResult($"Endpoints:Metrics '{Metrics}' is not an address:port such as 127.0.0.1:9464.", [nameof(Metrics)]);
        }
        else if (grpc is not null && metrics.Port == grpc.Port && (metrics.Address.Equals(grpc.Address) || metrics.Address.Equals(IPAddress.Any) || grpc.Address.Equals(IPAddress.Any)))
        {
            yield return new ValidationResult("Endpoints:Metrics must use a different port from Endpoints:Grpc.", [nameof(Metrics)]);
        }
        if (!string.IsNullOrEmpty(Http))
        {
            if (!IPEndPoint.TryParse(Http, out var http) || http.Port == 0)
            {
                yield return new ValidationResult($"Endpoints:Http '{Http}' is not an address:port such as 127.0.0.1:8080 (or empty to turn it off).", [nameof(Http)]);
            }
            else if ((grpc is not null && http.Port == grpc.Port) || (metrics is not null && http.Port == metrics.Port))
            {
                yield return new ValidationResult("Endpoints:Http must use a port of its own, not that of Endpoints:Grpc or Endpoints:Metrics.", [nameof(Http)]);
            }
        }

        if (!string.IsNullOrEmpty(CertificatePath) && !File.Exists(CertificatePath))
        {
            yield return new ValidationResult($"Endpoints:CertificatePath '{CertificatePath}' does not exist.", [nameof(CertificatePath)]);
        }
        if (!string.IsNullOrEmpty(CertificateKeyPath) && !File.Exists(CertificateKeyPath))
        {
            yield return new ValidationResult($"Endpoints:CertificateKeyPath '{CertificateKeyPath}' does not exist.", [nameof(CertificateKeyPath)]);
        }
    }
}
