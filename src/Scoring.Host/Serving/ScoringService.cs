using Scoring.Features;
using Scoring.Features.Store;
using Scoring.Host.Infrastructure;
using StackExchange.Redis;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.Host.Serving;

/// <summary>scoring.v1.Scoring (scoring.proto): GetScores, BatchGetScores, WatchRisk.</summary>
internal sealed class ScoringService(FeatureStoreAccessor store, CustomerScorer scorer, RiskWatchHub watch, TimeProvider clock)
    : global::Scoring.V1.Scoring.ScoringBase
{
    public const int MaxBatch = 1000;

    /// <summary>Share of the caller's remaining deadline kept back to answer UNAVAILABLE in time.</summary>
    private static readonly TimeSpan MinDeadlineMargin = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// CancelAfter takes at most uint.MaxValue - 1 ms (about 49.7 days); grpc-timeout allows up
    /// to 99999999 hours, so a longer deadline must not reach it (it threw, and the call failed UNKNOWN).
    /// </summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(49);

    public override async Task<CustomerScores> GetScores(GetScoresRequest request, ServerCallContext context)
    {
        var parts = ScoreRequest.Parse(request.Channel, request.Include, request.MaxOffers, request.MaxReasons);
        if (ScoreRequest.CheckCustomerId(request.CustomerId, "customer_id") is { } invalid)
        {
            throw ScoreRequest.Invalid(invalid);
        }

        Lease<byte>? stored;
        using (var guard = StoreDeadline(context))
        {
            try
            {
                stored = await store.Store.GetStoredValueAsync(request.CustomerId, guard.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (Translate(ex, context) is { } rpc)
            {
                throw rpc;
            }
        }

        using (stored)
        {
            if (stored is null)
            {
                throw NotFound(request.CustomerId);
            }

            // The store's per-thread state: decoded and scored with no await in between.
            var state = RedisFeatureStore.ReadState(stored);
            if (!Exists(state))
            {
                throw NotFound(request.CustomerId);
            }

            return scorer.Score(request.CustomerId, state, clock.GetUtcNow(), parts);
        }
    }

    public override async Task<BatchGetScoresResponse> BatchGetScores(BatchGetScoresRequest request, ServerCallContext context)
    {
        if (request.CustomerIds.Count is 0 or > MaxBatch)
        {
            throw ScoreRequest.Invalid($"customer_ids: 1 to {MaxBatch} ids are required, got {request.CustomerIds.Count}.");
        }

        var parts = ScoreRequest.Parse(request.Channel, request.Include, request.MaxOffers, request.MaxReasons);

        // One read per distinct valid id, all in flight together: the client pipelines them.
        var ids = new List<string>(request.CustomerIds.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in request.CustomerIds)
        {
            if (ScoreRequest.CheckCustomerId(id, "customer_id") is null && seen.Add(id))
            {
                ids.Add(id);
            }
        }

        var states = new Dictionary<string, CustomerState?>(ids.Count, StringComparer.Ordinal);
        using (var guard = StoreDeadline(context))
        {
            try
            {
                var reads = new Task<CustomerState?>[ids.Count];
                for (var i = 0; i < reads.Length; i++)
                {
                    reads[i] = store.Store.GetStateAsync(ids[i], guard.Token);
                }

                var results = await Task.WhenAll(reads).ConfigureAwait(false);
                for (var i = 0; i < results.Length; i++)
                {
                    states[ids[i]] = results[i];
                }
            }
            catch (Exception ex) when (Translate(ex, context) is { } rpc)
            {
                throw rpc;
            }
        }

        var asOf = clock.GetUtcNow();
        var response = new BatchGetScoresResponse();
        foreach (var id in request.CustomerIds)
        {
            var entry = new BatchEntry { CustomerId = id };
            if (ScoreRequest.CheckCustomerId(id, "customer_id") is { } invalid)
            {
                entry.Error = new EntryError { Code = (int)StatusCode.InvalidArgument, Message = invalid };
            }
            else if (states[id] is { } state && Exists(state))
            {
                entry.Scores = scorer.Score(id, state, asOf, parts);
            }
            else
            {
                entry.Error = new EntryError { Code = (int)StatusCode.NotFound, Message = NotFound(id).Status.Detail };
            }

            response.Entries.Add(entry);
        }

        return response;
    }

    public override async Task WatchRisk(WatchRiskRequest request, IServerStreamWriter<RiskUpdate> responses, ServerCallContext context)
    {
        if (request.CustomerIds.Count > RiskWatchHub.MaxWatchedIds)
        {
            throw ScoreRequest.Invalid($"customer_ids: at most {RiskWatchHub.MaxWatchedIds} ids, got {request.CustomerIds.Count}.");
        }

        if (!Enum.IsDefined(request.MinBand))
        {
            throw ScoreRequest.Invalid($"min_band: {(int)request.MinBand} is not a risk band.");
        }

        if (request.CustomerIds.Count == 0 && request.MinBand == RiskBand.Unspecified)
        {
            throw ScoreRequest.Invalid("customer_ids: empty watches every customer and then requires min_band.");
        }

        for (var i = 0; i < request.CustomerIds.Count; i++)
        {
            if (ScoreRequest.CheckCustomerId(request.CustomerIds[i], $"customer_ids[{i}]") is { } invalid)
            {
                throw ScoreRequest.Invalid(invalid);
            }
        }

        var ids = request.CustomerIds.Distinct(StringComparer.Ordinal).ToArray();
        var subscription = watch.Subscribe(ids, request.MinBand);
        try
        {
            // Subscribed first so no change between the snapshot and the first push is missed.
            List<RiskUpdate> initial;
            try
            {
                initial = await watch.SnapshotAsync(ids, context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Translate(ex, context) is { } rpc)
            {
                throw rpc;
            }

            if (request.SendInitial)
            {
                foreach (var update in initial)
                {
                    await responses.WriteAsync(update, context.CancellationToken).ConfigureAwait(false);
                }
            }

            var reader = subscription.Updates.Reader;
            while (await reader.WaitToReadAsync(context.CancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var update))
                {
                    await responses.WriteAsync(update, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            watch.Unsubscribe(subscription);
        }
    }

    private static bool Exists([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] CustomerState? state) => state is not null && (state.HasProfile || state.Watermark is not null);

    private static RpcException NotFound(string customerId) =>
        new(new Status(StatusCode.NotFound, $"customer_id: no profile or events for customer '{customerId}'."));

    /// <summary>Cancels feature-store reads early enough to answer UNAVAILABLE before the caller's deadline.</summary>
    private static StoreGuard StoreDeadline(ServerCallContext context)
    {
        var remaining = context.Deadline - DateTime.UtcNow;
        if (context.Deadline == DateTime.MaxValue || remaining > MaxTimerDelay)
        {
            // No deadline (or one further away than a timer can wait): the caller's own
            // cancellation, and Redis's command timeout, bound the read.
            return new StoreGuard(null, context.CancellationToken);
        }

        var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var margin = TimeSpan.FromTicks(Math.Max(MinDeadlineMargin.Ticks, remaining.Ticks / 10));
        cts.CancelAfter(remaining > margin ? remaining - margin : TimeSpan.Zero);
        return new StoreGuard(cts, cts.Token);
    }

    /// <summary>The token store reads run under; a linked source (disposed here) only when the call has a deadline.</summary>
    private readonly struct StoreGuard(CancellationTokenSource? source, CancellationToken token) : IDisposable
    {
        public CancellationToken Token { get; } = token;

        public void Dispose() => source?.Dispose();
    }

    /// <summary>Store failures and our own early cancellation become UNAVAILABLE; the caller's cancellation passes through.</summary>
    private static RpcException? Translate(Exception ex, ServerCallContext context) => ex switch
    {
        RedisException or RedisTimeoutException or Features.Store.FeatureStoreConflictException => FeatureStoreAccessor.Unavailable(ex),
        OperationCanceledException when !context.CancellationToken.IsCancellationRequested =>
            new RpcException(new Status(StatusCode.Unavailable, "The feature store did not answer before the deadline.")),
        _ => null,
    };
}
