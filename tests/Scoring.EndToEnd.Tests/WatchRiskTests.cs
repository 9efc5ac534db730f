using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>scoring.v1.Scoring WatchRisk: band changes pushed after ingestion.</summary>
[Collection(PopulationCollection.Name)]
public sealed class WatchRiskTests(PopulationFixture population)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WatchRisk_WhenIngestedEventsMoveACustomerFromLowToHigh_PushesTheChange()
    {
        const string id = "watch-low-high";
        await population.UpsertAsync(IngestTests.Profile(id));
        // Six months of daily use that stopped 40 days ago, and one purchase two days ago.
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(0, (await population.IngestAsync(LapsedAndReturned(id, now))).Invalid);
        var start = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.Web, Include = { ScorePart.Churn } });
        Assert.True(start.Churn.Band == RiskBand.Low, $"precondition: a customer who just used the card should be low risk, was {start.Churn.Band} at {start.Churn.Probability}");

        using var cancel = new CancellationTokenSource(Generous * 2);
        using var byId = population.Scores.WatchRisk(new WatchRiskRequest { CustomerIds = { id }, SendInitial = true }, cancellationToken: cancel.Token);
        using var everyone = population.Scores.WatchRisk(new WatchRiskRequest { MinBand = RiskBand.High }, cancellationToken: cancel.Token);

        var initial = await NextAsync(byId);
        Assert.Equal(id, initial.CustomerId);
        Assert.Equal(RiskBand.Unspecified, initial.PreviousBand);
        Assert.Equal(RiskBand.Low, initial.Band);
        Assert.Equal(string.Empty, initial.CauseEventId);

        // Then four complaints, all left open: the churn model's strongest signal after inactivity.
        var complaints = Enumerable.Range(1, 4).Select(i => OpenComplaint(id, $"watch-complaint-{i}", now.AddMinutes(-10 + i), $"k{i}")).ToList();
        var summary = await population.IngestAsync(complaints);
        Assert.Equal(4, summary.Applied);
        var current = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.Web, Include = { ScorePart.Churn } });
        Assert.True(current.Churn.Band >= RiskBand.High, $"precondition: open complaints after a lapse should make the customer high risk, was {current.Churn.Band} at {current.Churn.Probability}");

        var pushed = await NextAsync(byId);
        Assert.Equal(id, pushed.CustomerId);
        Assert.Equal(RiskBand.Low, pushed.PreviousBand);
        Assert.Equal("watch-complaint-4", pushed.CauseEventId);
        Assert.NotEmpty(pushed.Reasons);

        var broadcast = await NextAsync(everyone);
        Assert.Equal(id, broadcast.CustomerId);
        Assert.Equal(pushed.Band, broadcast.Band);
        Assert.Equal(current.Churn.Band, pushed.Band);
    }

    [Fact]
    public async Task WatchRisk_WhileTheIngestStreamStaysOpen_PushesWithoutWaitingForItsEnd()
    {
        const string id = "watch-open-stream";
        var now = DateTimeOffset.UtcNow;
        await population.UpsertAsync(IngestTests.Profile(id));
        await population.IngestAsync(LapsedAndReturned(id, now));

        using var cancel = new CancellationTokenSource(Generous * 2);
        using var watch = population.Scores.WatchRisk(new WatchRiskRequest { CustomerIds = { id }, SendInitial = true }, cancellationToken: cancel.Token);
        var initial = await NextAsync(watch);
        Assert.Equal(RiskBand.Low, initial.Band);

        // An upstream system that keeps its stream open: the events are applied (and pushed) on the
        // service's flush interval, not when the stream ends.
        using var ingest = population.Ingest.IngestEvents(cancellationToken: cancel.Token);
        for (var i = 1; i <= 4; i++)
        {
            await ingest.RequestStream.WriteAsync(OpenComplaint(id, $"open-complaint-{i}", now.AddMinutes(-10 + i), $"o{i}", ContactTopic.Rates));
        }

        var pushed = await NextAsync(watch);
        Assert.Equal(RiskBand.Low, pushed.PreviousBand);
        Assert.True(pushed.Band > RiskBand.Low, $"band after four open complaints: {pushed.Band}");

        await ingest.RequestStream.CompleteAsync();
        Assert.Equal(4, (await ingest.ResponseAsync).Applied);
    }

    [Theory]
    [InlineData(new string[0], 0, "customer_ids")]
    [InlineData(new[] { "ok", "not ok" }, 0, "customer_ids[1]")]
    [InlineData(new[] { "ok" }, 9, "min_band")]
    public async Task WatchRisk_WithABadRequest_IsInvalidArgumentNamingTheField(string[] ids, int minBand, string field)
    {
        using var call = population.Scores.WatchRisk(new WatchRiskRequest { CustomerIds = { ids }, MinBand = (RiskBand)minBand }, deadline: DateTime.UtcNow.Add(Generous));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchRisk_ConcurrentIngestStreamsForOneCustomer_PushEachChangeOnceAsAChain()
    {
        const string id = "watch-concurrent";
        const string sentinel = "watch-concurrent-sentinel";
        var now = DateTimeOffset.UtcNow;
        await population.UpsertAsync(IngestTests.Profile(id));
        Assert.Equal(0, (await population.IngestAsync(LapsedAndReturned(id, now))).Invalid);

        using var cancel = new CancellationTokenSource(Generous * 2);
        using var watch = population.Scores.WatchRisk(new WatchRiskRequest { CustomerIds = { id, sentinel }, SendInitial = true }, cancellationToken: cancel.Token);

        // The snapshot (of the known customer only) arrives once the subscription is registered.
        var initial = await NextAsync(watch);
        Assert.Equal(id, initial.CustomerId);
        Assert.True(initial.Band == RiskBand.Low, $"precondition: low risk after the return purchase, was {initial}");

        // Four open complaints, each through its own IngestEvents call, all at once.
        var calls = Enumerable.Range(1, 4)
            .Select(i => population.IngestAsync([OpenComplaint(id, $"concurrent-complaint-{i}", now.AddMinutes(-10 + i), $"c{i}")]))
            .ToArray();
        Assert.All(await Task.WhenAll(calls), s => Assert.Equal(1, s.Applied));
        var final = await population.GetScoresAsync(new GetScoresRequest { CustomerId = id, Channel = Channel.Web, Include = { ScorePart.Churn } });

        // Updates reach a subscriber in the order they were queued, so once the sentinel's own
        // change arrives, every update the complaints caused (duplicates included) has arrived.
        await population.UpsertAsync(IngestTests.Profile(sentinel));
        var updates = new List<RiskUpdate>();
        for (var u = await NextAsync(watch); u.CustomerId != sentinel; u = await NextAsync(watch))
        {
            updates.Add(u);
        }

        Assert.NotEmpty(updates);
        Assert.Equal(RiskBand.Low, updates[0].PreviousBand);
        for (var k = 1; k < updates.Count; k++)
        {
            Assert.Equal(updates[k - 1].Band, updates[k].PreviousBand);
        }

        Assert.All(updates, u => Assert.NotEqual(u.PreviousBand, u.Band));
        Assert.Equal(final.Churn.Band, updates[^1].Band);
    }

    /// <summary>Six months of daily use that stopped 40 days ago, and one purchase two days ago: low risk.</summary>
    internal static IEnumerable<Event> LapsedAndReturned(string id, DateTimeOffset now) =>
        ActiveCustomerEvents(id).Where(e => e.EventTime.ToDateTimeOffset() < now.AddDays(-40))
            .Append(IngestTests.Purchase(id, id + "-return", now.AddDays(-2), 30));

    /// <summary>A complaint opened through the call centre and left open.</summary>
    internal static Event OpenComplaint(string customerId, string eventId, DateTimeOffset at, string contactId, ContactTopic topic = ContactTopic.Fees) => new()
    {
        EventId = eventId,
        CustomerId = customerId,
        EventTime = Timestamp.FromDateTimeOffset(at),
        ServiceContact = new ServiceContact { ContactId = contactId, Kind = ContactKind.Complaint, Action = ContactAction.Opened, Topic = topic, Channel = Channel.CallCentre },
    };

    internal static async Task<RiskUpdate> NextAsync(AsyncServerStreamingCall<RiskUpdate> call)
    {
        using var timeout = new CancellationTokenSource(Generous);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the stream ended without an update");
        return call.ResponseStream.Current;
    }

    /// <summary>Six months of near-daily card use, monthly statements paid in full, regular app logins.</summary>
    internal static IEnumerable<Event> ActiveCustomerEvents(string id)
    {
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var categories = new[] { MerchantCategory.Grocery, MerchantCategory.Dining, MerchantCategory.Fuel, MerchantCategory.Retail };
        for (var d = 180; d >= 1; d--)
        {
            var day = today.AddDays(-d).AddHours(12);
            yield return new Event
            {
                EventId = $"{id}-t{d}", CustomerId = id, EventTime = Timestamp.FromDateTimeOffset(day),
                Transaction = new Transaction { Kind = TransactionKind.Purchase, Amount = 20 + (d % 7 * 9), Currency = "EUR", MerchantCategory = categories[d % categories.Length], Online = d % 3 == 0 },
            };
            if (d % 3 == 0)
            {
                yield return new Event
                {
                    EventId = $"{id}-l{d}", CustomerId = id, EventTime = Timestamp.FromDateTimeOffset(day.AddHours(2)),
                    AppLogin = new AppLogin { Platform = AppPlatform.Android, Success = true },
                };
            }

            if (d % 30 == 0)
            {
                var due = day.AddDays(20);
                yield return new Event
                {
                    EventId = $"{id}-s{d}", CustomerId = id, EventTime = Timestamp.FromDateTimeOffset(day.AddHours(1)),
                    Statement = new Statement { Balance = 1200, MinimumDue = 60, DueDate = Timestamp.FromDateTimeOffset(due) },
                };
                if (due < today)
                {
                    yield return new Event
                    {
                        EventId = $"{id}-r{d}", CustomerId = id, EventTime = Timestamp.FromDateTimeOffset(due.AddDays(-3)),
                        Repayment = new Repayment { Amount = 1200, StatementBalance = 1200, MinimumDue = 60, DueDate = Timestamp.FromDateTimeOffset(due) },
                    };
                }
            }
        }
    }
}
