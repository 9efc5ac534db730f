using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Scoring.Testing;
using Scoring.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Protocol.Tests;

/// <summary>
/// One real service and its redis-server, shared by a collection, with one seeded customer so
/// GetScores answers OK. Redis allows DEBUG, so a test can make it slow (DEBUG SLEEP).
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    /// <summary>Seeded through UpsertProfile and IngestEvents at start.</summary>
    public const string CustomerId = "proto-customer-1";

    public RedisServer Redis { get; private set; } = null!;

    public ServiceHost Service { get; private set; } = null!;

    public GrpcChannel Channel => Service.Channel;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<object>>> _once = new();

    /// <summary>Runs <paramref name="run"/> once per fixture (e.g. one grpcio script run that several tests read).</summary>
    public async Task<T> OnceAsync<T>(string key, Func<Task<T>> run) where T : notnull =>
        (T)await _once.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await run())).Value;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync(new RedisServerOptions { EnableDebugCommand = true });
        Service = await ServiceHost.StartAsync(Redis.Endpoint);
        await Service.WaitForStatusAsync("scoring.v1.Scoring", ServingStatus.Serving);
        await SeedAsync(Channel, CustomerId);
    }

    /// <summary>A profile and a few weeks of card use, through the service's own API.</summary>
    public static async Task SeedAsync(GrpcChannel channel, string customerId)
    {
        var ingest = new Ingest.IngestClient(channel);
        var now = DateTimeOffset.UtcNow;
        await ingest.UpsertProfileAsync(new UpsertProfileRequest { Profile = Profile(customerId, now) }, deadline: DateTime.UtcNow.AddSeconds(30));
        using var call = ingest.IngestEvents(deadline: DateTime.UtcNow.AddSeconds(30));
        for (var day = 30; day > 0; day--)
        {
            await call.RequestStream.WriteAsync(Purchase(customerId, $"{customerId}-seed-{day}", now.AddDays(-day)));
        }

        await call.RequestStream.CompleteAsync();
        var summary = await call;
        if (summary.Applied != 30)
        {
            throw new InvalidOperationException($"Seeding {customerId} applied {summary.Applied} of 30 events: {summary}");
        }
    }

    public static Profile Profile(string customerId, DateTimeOffset now) => new()
    {
        CustomerId = customerId,
        AgeBand = AgeBand._2534,
        IncomeBand = IncomeBand.Middle,
        CardProduct = CardProduct.Classic,
        CreditLimit = 3000,
        OpenDate = Timestamp.FromDateTimeOffset(now.AddDays(-800)),
        ProductsHeld = 1,
    };

    public static Event Purchase(string customerId, string eventId, DateTimeOffset at) => new()
    {
        EventId = eventId,
        CustomerId = customerId,
        EventTime = Timestamp.FromDateTimeOffset(at),
        Transaction = new Transaction
        {
            Kind = TransactionKind.Purchase,
            Amount = 42.5,
            Currency = "EUR",
            MerchantCategory = MerchantCategory.Grocery,
        },
    };

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}

/// <summary>
/// Every test of the shared service runs in this one collection, one at a time: the metrics
/// registry is process-wide and DEBUG SLEEP stalls everyone, so parallel tests would see each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "scoring service";
}
