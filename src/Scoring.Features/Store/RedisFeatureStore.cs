using Scoring.Features.Validation;
using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Features.Store;

/// <summary>
/// Customer feature state in Redis.
/// <para>Layout: one string key per customer, <c>cust:{customerId}</c>. The braces are a Redis
/// Cluster hash tag, so everything about a customer stays on one slot. The value is an 8-byte
/// big-endian version followed by the serialized <see cref="CustomerState"/> (see
/// <see cref="StoredValue"/>).</para>
/// <para>Writes (events and profiles) use optimistic compare-and-set: read the values of all the
/// batch's customers in one pipelined round trip, apply the events in C# with the same
/// <see cref="CustomerState.Apply"/> that offline replay uses, then send one EVALSHA of
/// <see cref="CompareAndSetScriptSource"/> per changed customer, pipelined (an
/// <see cref="IBatch"/> of StackExchange.Redis). The script writes only when
/// the stored version is still the one read; a customer whose version moved (another writer won)
/// is read again and its events re-applied from scratch. So no update is lost and no event is
/// half-applied: a customer's events of one batch land together or not at all.</para>
/// <para>Reads GET the value and compute features at read time, so windows are current even for
/// customers without new events.</para>
/// </summary>
public sealed class RedisFeatureStore
{
    // Read paths decode into a per-thread state (see ReadState) instead of a new one.
    [ThreadStatic]
    private static CustomerState? t_readState;

    /// <summary>
    /// KEYS[1] = cust:{id}; ARGV[1] = the version read (8 bytes, or empty when the key did not
    /// exist); ARGV[2] = the new value. Returns 1 when written, 0 when the version changed.
    /// GETRANGE of a missing key is the empty string, which is what "did not exist" sends.
    /// </summary>
    public const string CompareAndSetScriptSource = """
        if redis.call('GETRANGE', KEYS[1], 0, 7) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;

    private static readonly byte[] s_compareAndSetSha1 = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(CompareAndSetScriptSource));
    private readonly IDatabase _db;
    private readonly FeatureStoreOptions _options;
    private readonly ApplyOptions _applyOptions;
    private long _conflicts;

    /// <summary>Creates a store over a database of a (shared) <see cref="IConnectionMultiplexer"/>.</summary>
    public RedisFeatureStore(IDatabase database, FeatureStoreOptions? options = null)
    {
        _db = database ?? throw new ArgumentNullException(nameof(database));
        _options = options ?? new FeatureStoreOptions();
        if (_options.Lateness < TimeSpan.Zero || _options.Lateness > CustomerState.MaxLateness)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Lateness, "Lateness must be between 0 and 150 days.");
        }

        if (_options.MaxCompareAndSetAttempts < 1 || _options.MaxReadBatch < 1 || _options.MaxRejectionsListed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Attempts and read batch must be at least 1; rejections listed at least 0.");
        }

        _applyOptions = new ApplyOptions { Lateness = _options.Lateness, Clock = _options.Clock };
    }

    /// <summary>Customers re-read and re-applied because another writer changed them first (since creation).</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflicts);

    /// <summary>The Redis key of a customer.</summary>
    public static string KeyOf(string customerId) => string.Concat("cust:{", customerId, "}");

    /// <summary>
    /// Validates and applies a batch of events (any customers, arrival order) and returns the
    /// summary of what happened to each. When this returns, every applied event is stored.
    /// </summary>
    public async Task<IngestSummary> IngestAsync(IReadOnlyList<Event> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var summary = new IngestSummary { Received = events.Count };
        var outcomes = new ApplyResult[events.Count];
        var byCustomer = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException("An event in the batch is null.", nameof(events));
            if (EventValidator.Validate(e, _applyOptions.Clock, _applyOptions.MaxClockSkew) is { } error)
            {
                outcomes[i] = ApplyResult.Invalid(error);
                continue;
            }

            if (!byCustomer.TryGetValue(e.CustomerId, out var list))
            {
                byCustomer[e.CustomerId] = list = [];
            }

            list.Add(i);
        }

        await UpdateAsync(
            [.. byCustomer.Keys],
            (customerId, state) =>
            {
                string? cause = null;
                foreach (var i in byCustomer[customerId])
                {
                    outcomes[i] = state.Apply(events[i], _applyOptions);
                    if (outcomes[i].Outcome == ApplyOutcome.Applied)
                    {
                        cause = events[i].EventId;
                    }
                }

                return cause;
            },
            cancellationToken).ConfigureAwait(false);

        for (var i = 0; i < outcomes.Length; i++)
        {
            var o = outcomes[i];
            switch (o.Outcome)
            {
                case ApplyOutcome.Applied:
                    summary.Applied++;
                    continue;
                case ApplyOutcome.Duplicate:
                    summary.Duplicate++;
                    continue;
                case ApplyOutcome.Late:
                    summary.Late++;
                    break;
                default:
                    summary.Invalid++;
                    summary.InvalidByReason[o.Reason!] = summary.InvalidByReason.GetValueOrDefault(o.Reason!) + 1;
                    break;
            }

            if (summary.Rejections.Count < _options.MaxRejectionsListed)
            {
                summary.Rejections.Add(new Rejection { EventId = events[i].EventId, Reason = o.Reason, Field = o.Field, Message = o.Message });
            }
        }

        return summary;
    }

    /// <summary>
    /// Creates or replaces a customer's profile through the same compare-and-set path.
    /// Returns whether the customer had no profile before; ArgumentException names a bad field.
    /// </summary>
    public async Task<bool> UpsertProfileAsync(Profile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (EventValidator.ValidateProfile(profile, _applyOptions.Clock) is { } error)
        {
            throw new ProfileValidationException(error);
        }

        var created = false;
        await UpdateAsync(
            [profile.CustomerId],
            (_, state) =>
            {
                created = !state.HasProfile;
                state.ApplyProfile(profile, _applyOptions);
                return string.Empty;
            },
            cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>The stored state of a customer, or null when the store knows nothing of them.</summary>
    public async Task<CustomerState?> GetStateAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        var value = await WithCancellation(_db.StringGetAsync(KeyOf(customerId)), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : StoredValue.Parse((byte[]?)value).State;
    }

    /// <summary>
    /// The stored value of a customer in a pooled buffer (a StackExchange.Redis
    /// <see cref="Lease{T}"/> from GET: dispose it), or null when the store knows nothing of them.
    /// Decode it with <see cref="ReadState"/>: read paths that score and drop the state
    /// (GetScores) then allocate neither the value nor a state per read. StackExchange.Redis takes
    /// no cancellation token, so <paramref name="cancellationToken"/> stops the wait, not the GET;
    /// a lease that arrives after that is disposed.
    /// </summary>
    public Task<Lease<byte>?> GetStoredValueAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        var read = _db.StringGetLeaseAsync(KeyOf(customerId));
        return cancellationToken.CanBeCanceled && !read.IsCompleted ? WaitForLeaseAsync(read, cancellationToken) : read;
    }

    private static async Task<Lease<byte>?> WaitForLeaseAsync(Task<Lease<byte>?> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Nobody will read it: return the buffer to its pool when the reply comes.
            _ = read.ContinueWith(static t => t.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// Decodes a value from <see cref="GetStoredValueAsync"/> into this thread's reusable state
    /// (its lists keep their capacity, so no ~30 KB of day buckets per read) and returns it. The
    /// state is valid until the next read on this thread: use it before any await, never keep it.
    /// </summary>
    public static CustomerState ReadState(Lease<byte> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return ReadState(stored.Span);
    }

    private static CustomerState ReadState(ReadOnlySpan<byte> value)
    {
        var state = t_readState ??= new CustomerState();
        CustomerState.DeserializeInto(StoredValue.Payload(value), state);
        return state;
    }

    /// <summary>
    /// Features of up to <see cref="FeatureStoreOptions.MaxReadBatch"/> customers evaluated at
    /// <paramref name="asOf"/>, read in one pipelined round trip; null for unknown customers.
    /// </summary>
    public async Task<float[]?[]> GetFeaturesAsync(IReadOnlyList<string> customerIds, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        if (customerIds.Count > _options.MaxReadBatch)
        {
            throw new ArgumentException($"At most {_options.MaxReadBatch} customers per read.", nameof(customerIds));
        }

        var values = await ReadAsync(customerIds, cancellationToken).ConfigureAwait(false);
        var result = new float[]?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i] is { } value ? ReadState(value).ComputeFeatures(asOf) : null;
        }

        return result;
    }

    /// <summary>The features of one customer at <paramref name="asOf"/>, or null when unknown.</summary>
    public async Task<float[]?> GetFeaturesAsync(string customerId, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        using var stored = await GetStoredValueAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        return ReadState(stored).ComputeFeatures(asOf);
    }

    /// <summary>
    /// The optimistic loop: read all, apply, compare-and-set the changed ones, repeat for the
    /// customers whose version moved. <paramref name="apply"/> must be repeatable from a fresh
    /// state (it is called again after a conflict); it returns null when it changed nothing, else
    /// the cause of the change (an event id, or empty). While the observer is active, each
    /// customer is classified before and after apply, and the class changes that committed are
    /// reported when the loop ends.
    /// </summary>
    private async Task UpdateAsync(string[] customerIds, Func<string, CustomerState, string?> apply, CancellationToken cancellationToken)
    {
        var observer = _options.Observer is { IsActive: true } active ? active : null;
        List<StateChange>? committed = null;
        var pending = customerIds;
        for (var attempt = 1; pending.Length > 0; attempt++)
        {
            if (attempt > _options.MaxCompareAndSetAttempts)
            {
                throw new FeatureStoreConflictException(pending.Length, _options.MaxCompareAndSetAttempts);
            }

            if (attempt > 2)
            {
                // Back off with jitter so that writers contending for the same customers spread out.
                await Task.Delay(Random.Shared.Next(1, Math.Min(50, 1 << Math.Min(attempt, 6))), cancellationToken).ConfigureAwait(false);
            }

            var values = await ReadAsync(pending, cancellationToken).ConfigureAwait(false);
            var writes = new List<(string CustomerId, ulong Version, byte[] Value)>(pending.Length);
            var changes = observer is null ? null : new List<StateChange>();
            for (var i = 0; i < pending.Length; i++)
            {
                var (version, state) = StoredValue.Parse(values[i]);
                var before = observer is null || values[i] is null ? (Class: 0, Score: 0.0) : observer.Classify(state);
                if (apply(pending[i], state) is not { } cause)
                {
                    continue;
                }

                writes.Add((pending[i], version, StoredValue.Compose(version + 1, state)));
                if (observer is not null)
                {
                    var after = observer.Classify(state);
                    if (after.Class != before.Class)
                    {
                        changes!.Add(new StateChange(pending[i], version + 1, before.Class, after.Class, after.Score, cause));
                    }
                }
            }

            pending = await CompareAndSetAsync(writes).ConfigureAwait(false);
            if (changes is { Count: > 0 })
            {
                // Only the writes that won count; the losers are re-read and re-classified.
                var lost = pending.Length == 0 ? null : new HashSet<string>(pending, StringComparer.Ordinal);
                (committed ??= []).AddRange(lost is null ? changes : changes.Where(c => !lost.Contains(c.CustomerId)));
            }
        }

        if (committed is { Count: > 0 })
        {
            // Stored is stored: report it even if the caller has given up meanwhile.
            await observer!.OnChangedAsync(committed, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<byte[]?[]> ReadAsync(IReadOnlyList<string> customerIds, CancellationToken cancellationToken)
    {
        // One GET per key in a single pipelined write (not MGET: a Cluster would refuse keys on
        // different slots). IBatch sends the commands together when Execute is called.
        var batch = _db.CreateBatch();
        var reads = new Task<RedisValue>[customerIds.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = batch.StringGetAsync(KeyOf(customerIds[i]));
        }

        batch.Execute();
        var values = await WithCancellation(Task.WhenAll(reads), cancellationToken).ConfigureAwait(false);
        var result = new byte[]?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (byte[]?)values[i];
        }

        return result;
    }

    /// <summary>Runs the script for each write in one pipelined batch; returns the customers that lost the race.</summary>
    private async Task<string[]> CompareAndSetAsync(List<(string CustomerId, ulong Version, byte[] Value)> writes)
    {
        var lost = new List<string>();
        for (var load = 0; writes.Count > 0; load++)
        {
            // EVALSHA by hash; after NOSCRIPT (restart, failover, SCRIPT FLUSH: the script cache
            // is not persisted, https://redis.io/docs/latest/develop/programmability/eval-intro/)
            // the same calls go again as EVAL with the source, which also caches it again.
            // (StackExchange.Redis's own NOSCRIPT retry of script-text calls did not complete
            // inside an IBatch in our test, so the retry is explicit, as before.)
            var batch = _db.CreateBatch();
            var results = new Task<RedisResult>[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var (id, version, value) = writes[i];
                RedisKey[] keys = [KeyOf(id)];
                RedisValue[] args = [StoredValue.ExpectedVersion(version), value];
                results[i] = load == 0
                    ? batch.ScriptEvaluateAsync(s_compareAndSetSha1, keys, args)
                    : batch.ScriptEvaluateAsync(CompareAndSetScriptSource, keys, args, CommandFlags.NoScriptCache);
            }

            batch.Execute();
            var retry = new List<(string CustomerId, ulong Version, byte[] Value)>();
            for (var i = 0; i < writes.Count; i++)
            {
                // Not cancellable once sent: the writes may have landed, and the caller must learn which.
                try
                {
                    if ((long)await results[i].ConfigureAwait(false) == 0)
                    {
                        lost.Add(writes[i].CustomerId);
                    }
                }
                catch (RedisServerException ex) when (load == 0 && ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
                {
                    // This call wrote nothing; send it again with the source.
                    retry.Add(writes[i]);
                }
            }

            writes = retry;
        }

        Interlocked.Add(ref _conflicts, lost.Count);
        return [.. lost];
    }

    /// <summary>StackExchange.Redis takes no cancellation token: stop waiting when the caller gives up.</summary>
    private static Task<T> WithCancellation<T>(Task<T> task, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && !task.IsCompleted ? task.WaitAsync(cancellationToken) : task;
}

/// <summary>Other writers kept changing the same customers; nothing of theirs was written by this call.</summary>
public sealed class FeatureStoreConflictException(int customers, int attempts)
    : Exception($"{customers} customer(s) changed under this write {attempts} times in a row; giving up.")
{
}

/// <summary>A profile failed validation; <see cref="Error"/> names the field.</summary>
public sealed class ProfileValidationException(ValidationError error) : ArgumentException(error.Message, error.Field)
{
    /// <summary>The reason code, field path and message.</summary>
    public ValidationError Error { get; } = error;
}
