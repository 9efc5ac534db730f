using Microsoft.Extensions.Options;
using Scoring.Features.Streams;
using Scoring.Host.Infrastructure;

namespace Scoring.Host.Ingestion;

/// <summary>Configuration section "Ingestion:Stream": whether this replica consumes the events stream.</summary>
public sealed class StreamIngestionHostOptions
{
    public const string Section = "Ingestion:Stream";

    /// <summary>Off by default: a deployment turns it on where upstream systems publish to Redis Streams.</summary>
    public bool Enabled { get; set; }
}

/// <summary>Validates "Ingestion:Stream" at start-up with a message naming the setting.</summary>
internal sealed class StreamIngestionOptionsValidator : IValidateOptions<StreamIngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamIngestionOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{StreamIngestionHostOptions.Section}:{ex.ParamName}: {ex.Message}");
        }
    }
}

/// <summary>
/// The second ingestion path: when enabled, this replica joins the consumer group of the events
/// stream (see Scoring.Features/Streams/README.md) and stores entries through the same feature
/// store call as IngestEvents (so WatchRisk hears of them through the store's observer too).
/// Replicas share the group; each uses its own consumer name.
/// </summary>
internal sealed class StreamIngestionService(
    IOptions<StreamIngestionHostOptions> hostOptions,
    IOptions<StreamIngestionOptions> options,
    RedisConnection redis,
    FeatureStoreAccessor store,
    ILogger<StreamIngestionConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!hostOptions.Value.Enabled)
        {
            return;
        }

        var client = await redis.WaitForClientAsync(stoppingToken).ConfigureAwait(false);
        // A throw from the store leaves the batch unacknowledged, so it comes back. The store is
        // looked up per batch: it is UNAVAILABLE until the multiplexer exists.
        var consumer = new StreamIngestionConsumer(client, StreamBatchHandlers.For((batch, ct) => store.Store.IngestAsync(batch, ct)), options.Value, logger);
        try
        {
            await consumer.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            consumer.Dispose();
        }
    }
}
