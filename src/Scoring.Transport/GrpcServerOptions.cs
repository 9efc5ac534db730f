using System.ComponentModel.DataAnnotations;
using System.IO.Compression;

namespace Scoring.Transport;

/// <summary>Server-side gRPC settings. Bound from configuration section "Grpc".</summary>
public sealed class GrpcServerOptions : IValidatableObject
{
    public const string Section = "Grpc";

    /// <summary>Largest request message accepted, checked against the declared length before buffering.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>"gzip" to compress responses when the caller accepts gzip; null for identity.</summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    public CompressionLevel ResponseCompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>Send exception messages to callers. Development only: they may reveal internals.</summary>
    public bool EnableDetailedErrors { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxReceiveMessageSize <= 0)
        {
            yield return new ValidationResult($"Grpc:MaxReceiveMessageSize must be positive (was {MaxReceiveMessageSize}).", [nameof(MaxReceiveMessageSize)]);
        }
        if (MaxSendMessageSize is <= 0)
        {
            yield return new ValidationResult($"Grpc:MaxSendMessageSize must be positive or unset (was {MaxSendMessageSize}).", [nameof(MaxSendMessageSize)]);
        }
        if (ResponseCompressionAlgorithm is not null and not "gzip" and not "identity")
        {
            yield return new ValidationResult($"Grpc:ResponseCompressionAlgorithm '{ResponseCompressionAlgorithm}' is not supported; use gzip, identity or leave it unset.", [nameof(ResponseCompressionAlgorithm)]);
        }
    }
}
