using System.ComponentModel.DataAnnotations;
using System.IO.Compression;
using Grpc.AspNetCore.Server;

namespace Scoring.Host.Configuration;

/// <summary>
/// Server-side gRPC settings, section "Grpc"; applied to Grpc.AspNetCore's
/// <see cref="GrpcServiceOptions"/> so the README's setting names stay what they were.
/// </summary>
public sealed class GrpcOptions : IValidatableObject
{
    public const string Section = "Grpc";

    /// <summary>Largest request message; the library checks the declared length before buffering (RESOURCE_EXHAUSTED).</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>"gzip" to compress responses for callers that accept it; null for identity.</summary>
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

    /// <summary>Copies these settings onto the library's options.</summary>
    internal void ApplyTo(GrpcServiceOptions target)
    {
        target.MaxReceiveMessageSize = MaxReceiveMessageSize;
        target.MaxSendMessageSize = MaxSendMessageSize;
        target.EnableDetailedErrors = EnableDetailedErrors;
        target.ResponseCompressionLevel = ResponseCompressionLevel;
        // gzip is in the library's default providers; identity is the same as none.
        target.ResponseCompressionAlgorithm = ResponseCompressionAlgorithm is "gzip" ? "gzip" : null;
    }
}
