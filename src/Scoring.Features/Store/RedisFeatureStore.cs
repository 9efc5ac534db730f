using Scoring.Features.Validation;
using Scoring.Redis;
using Scoring.V1;

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
/// <see cref="CompareAndSetScript"/> per changed customer, pipelined. The script writes only when
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

    private static readonly LuaScript s_compareAndSet = new(CompareAndSetScriptSource);
    private readonly RedisClient _client;
    private readonly FeatureStoreOptions _options;
    private readonly ApplyOptions _applyOptions;
    private long _conflicts;

    /// <summary>Creates a store over a connected client.</summary>
    public RedisFeatureStore(RedisClient client, FeatureStoreOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
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

    /// <summary>The compare-and-set script (exposed for documentation and tests).</summary>
    public static LuaScript CompareAndSetScript => s_compareAndSet;

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
        var value = await _client.GetAsync(KeyOf(customerId), cancellationToken).ConfigureAwait(false);
        return value is null ? null : StoredValue.Parse(value).State;
    }

    /// <summary>
    /// The stored value of a customer in a pooled buffer (dispose it), or null when the store
    /// knows nothing of them. Decode it with <see cref="ReadState"/>: read paths that score and
    /// drop the state (GetScores) then allocate neither the value nor a state per read.
    /// </summary>
    public ValueTask<RedisLease?> GetStoredValueAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return _client.GetLeaseAsync(KeyOf(customerId), cancellationToken);
    }

    /// <summary>
    /// Decodes a value from <see cref="GetStoredValueAsync"/> into this thread's reusable state
    /// (its lists keep their capacity, so no ~30 KB of day buckets per read) and returns it. The
    /// state is valid until the next read on this thread: use it before any await, never keep it.
    /// </summary>
    public static CustomerState ReadState(RedisLease stored) => ReadState(stored.Span);

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

            pending = await CompareAndSetAsync(writes, cancellationToken).ConfigureAwait(false);
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
        // One GET per key in a single pipelined write (not MGET: a Cluster would refuse keys on different slots).
        var batch = _client.CreateBatch();
        var reads = new Task<byte[]?>[customerIds.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = batch.GetAsync(KeyOf(customerIds[i]), cancellationToken).AsTask();
        }

        batch.Execute();
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }

    /// <summary>Runs the script for each write in one pipelined batch; returns the customers that lost the race.</summary>
    private async Task<string[]> CompareAndSetAsync(List<(string CustomerId, ulong Version, byte[] Value)> writes, CancellationToken cancellationToken)
    {
        var lost = new List<string>();
        for (var load = 0; writes.Count > 0; load++)
        {
            var batch = _client.CreateBatch();
            var results = new Task<long>[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var (id, version, value) = writes[i];
                results[i] = batch.EvalShaInt64Async(s_compareAndSet.Sha1, [KeyOf(id)], [StoredValue.ExpectedVersion(version), value], cancellationToken).AsTask();
            }

            batch.Execute();
            var retry = new List<(string CustomerId, ulong Version, byte[] Value)>();
            for (var i = 0; i < writes.Count; i++)
            {
                try
                {
                    if (await results[i].ConfigureAwait(false) == 0)
                    {
                        lost.Add(writes[i].CustomerId);
                    }
                }
                catch (RedisServerException ex) when (ex.Prefix == "NOSCRIPT" && load == 0)
                {
                    // Script cache empty (restart, failover, SCRIPT FLUSH): this call wrote
                    // nothing; send it again once the script is loaded.
                    retry.Add(writes[i]);
                }
            }

            if (retry.Count > 0)
            {
                await s_compareAndSet.LoadAsync(_client, cancellationToken).ConfigureAwait(false);
            }

            writes = retry;
        }

        Interlocked.Add(ref _conflicts, lost.Count);
        return [.. lost];
    }
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
