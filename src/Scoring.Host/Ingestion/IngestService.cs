using Scoring.Features.Store;
using Scoring.Host.Infrastructure;
using Scoring.Host.Serving;
using StackExchange.Redis;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Host.Ingestion;

/// <summary>
/// scoring.v1.Ingest (ingest.proto). IngestEvents batches the request stream (up to
/// <see cref="BatchSize"/> events, or whatever has arrived when <see cref="FlushInterval"/>
/// passes or the stream ends) into <see cref="RedisFeatureStore.IngestAsync"/>; each batch is
/// stored before the next is read, so the summary is sent only after every applied event is stored.
/// </summary>
internal sealed class IngestService(FeatureStoreAccessor store, IngestMetrics metrics) : V1.Ingest.IngestBase
{
    public const int BatchSize = 512;
    public const int MaxRejectionsListed = 100;

    /// <summary>A slow sender's events are applied at least this often (WatchRisk pushes follow ingestion).</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    public override async Task<IngestSummary> IngestEvents(IAsyncStreamReader<Event> requests, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var total = new IngestSummary();
        var batch = new List<Event>(BatchSize);
        Task<bool>? pending = null;
        var batchStarted = 0L;
        while (true)
        {
            pending ??= requests.MoveNext(cancellationToken);
            if (batch.Count > 0 && !pending.IsCompleted)
            {
                // Apply what has arrived if the sender pauses, so watchers hear about it promptly.
                var wait = FlushInterval - TimeSpanSince(batchStarted);
                if (wait <= TimeSpan.Zero || await Task.WhenAny(pending, Task.Delay(wait, cancellationToken)).ConfigureAwait(false) != pending)
                {
                    await ApplyAsync(batch, total, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            var more = await pending.ConfigureAwait(false);
            pending = null;
            if (!more)
            {
                break;
            }

            if (batch.Count == 0)
            {
                batchStarted = Environment.TickCount64;
            }

            batch.Add(requests.Current);
            if (batch.Count >= BatchSize)
            {
                await ApplyAsync(batch, total, cancellationToken).ConfigureAwait(false);
            }
        }

        if (batch.Count > 0)
        {
            await ApplyAsync(batch, total, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    public override async Task<UpsertProfileResponse> UpsertProfile(UpsertProfileRequest request, ServerCallContext context)
    {
        if (request.Profile is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "profile: is required."));
        }

        try
        {
            // A profile can move the band too (months on book, products held): the store's observer tells WatchRisk.
            var created = await store.Store.UpsertProfileAsync(request.Profile, context.CancellationToken).ConfigureAwait(false);
            return new UpsertProfileResponse { Created = created };
        }
        catch (ProfileValidationException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{ex.Error.Field}: {ex.Error.Message} ({ex.Error.Reason})."));
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or FeatureStoreConflictException)
        {
            throw FeatureStoreAccessor.Unavailable(ex);
        }
    }

    private async Task ApplyAsync(List<Event> batch, IngestSummary total, CancellationToken cancellationToken)
    {
        IngestSummary summary;
        try
        {
            summary = await store.Store.IngestAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or FeatureStoreConflictException)
        {
            // Earlier batches are stored; the sender learns nothing of this one and must resend it (ids make that safe).
            throw FeatureStoreAccessor.Unavailable(ex);
        }

        metrics.Record(summary);
        total.Add(summary, MaxRejectionsListed);
        batch.Clear();
    }

    private static TimeSpan TimeSpanSince(long tickCount64) => TimeSpan.FromMilliseconds(Environment.TickCount64 - tickCount64);
}
