using Scoring.Cli.Population;
using Scoring.V1;

namespace Scoring.Cli.Tests.Population;

public sealed class PopulationDistributionTests(PopulationFixture population) : IClassFixture<PopulationFixture>
{
    [Fact]
    public void Generate_DefaultTierShares_LandWithinTolerance()
    {
        var counts = population.Truth.GroupBy(r => r[1]).ToDictionary(g => g.Key, g => g.Count());
        var n = (double)population.Truth.Count;
        Assert.Equal(population.Options.Customers, population.Truth.Count);
        Assert.InRange(counts["hnw"] / n, 0.02, 0.04);
        Assert.InRange(counts["potential"] / n, 0.18, 0.22);
        Assert.InRange(counts["mass"] / n, 0.47, 0.53);
        Assert.InRange(counts["basic"] / n, 0.245, 0.295);
    }

    [Fact]
    public void Generate_Double11Month_HasMoreSpendThanTheMonthsAround()
    {
        var byMonth = PurchaseSpendByMonth(population.Events);
        var november = byMonth[(2024, 11)];
        Assert.True(november > 1.15 * byMonth[(2024, 9)], $"Nov {november:N0} vs Sep {byMonth[(2024, 9)]:N0}");
        Assert.True(november > 1.15 * byMonth[(2024, 10)], $"Nov {november:N0} vs Oct {byMonth[(2024, 10)]:N0}");
    }

    [Fact]
    public void Generate_ChineseNewYearMonth_HasMoreSpendThanMarch()
    {
        var byMonth = PurchaseSpendByMonth(population.Events);
        Assert.True(byMonth[(2025, 1)] > 1.15 * byMonth[(2025, 3)]);
    }

    [Fact]
    public void Generate_Churners_SpendLessInTheLastQuarterThanTheFirst()
    {
        var churners = population.Truth
            .Where(r => r[3] is "competitor" or "engagement" or "complaint" && r[5].Length > 0 && DateOnly.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture) >= new DateOnly(2025, 4, 1))
            .Select(r => r[0]).ToHashSet();
        Assert.True(churners.Count > 50, $"only {churners.Count} late churners");
        double first = 0, last = 0;
        foreach (var e in population.Events)
        {
            if (e.Transaction is { Kind: TransactionKind.Purchase } t && churners.Contains(e.CustomerId))
            {
                var date = e.EventTime.ToDateTime();
                if (date < new DateTime(2024, 10, 1))
                {
                    first += t.Amount;
                }
                else if (date >= new DateTime(2025, 4, 1))
                {
                    last += t.Amount;
                }
            }
        }

        Assert.True(last < 0.6 * first, $"first quarter {first:N0}, last quarter {last:N0}");
    }

    [Fact]
    public void Generate_Complaints_SomeStayUnresolvedAndMostAreResolved()
    {
        var opened = new HashSet<string>();
        var resolved = new HashSet<string>();
        foreach (var e in population.Events)
        {
            if (e.ServiceContact is { Kind: ContactKind.Complaint } c)
            {
                (c.Action == ContactAction.Opened ? opened : resolved).Add(c.ContactId);
            }
        }

        var unresolved = opened.Count(id => !resolved.Contains(id));
        Assert.True(opened.Count > 200, $"{opened.Count} complaints");
        Assert.InRange(unresolved / (double)opened.Count, 0.08, 0.45);
        Assert.Subset(opened, resolved);
    }

    [Fact]
    public void Generate_EveryEvent_PassesTheEventContract()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var e in population.Events)
        {
            var violation = EventContract.Violation(e, now);
            Assert.True(violation is null, $"{violation}: {e}");
        }
    }

    [Fact]
    public void Generate_EveryEventAndProfile_PassesTheIngestValidator()
    {
        // The validator the service runs on ingest (Scoring.Features), as an independent check.
        foreach (var e in population.Events)
        {
            var error = Scoring.Features.Validation.EventValidator.Validate(e, TimeProvider.System, TimeSpan.FromMinutes(5));
            Assert.True(error is null, $"{error}: {e}");
        }

        foreach (var p in population.Profiles)
        {
            var error = Scoring.Features.Validation.EventValidator.ValidateProfile(p, TimeProvider.System);
            Assert.True(error is null, $"{error}: {p}");
        }
    }

    [Fact]
    public void Generate_EveryEventKind_AppearsWithEveryOfferId()
    {
        var kinds = population.Events.Select(e => e.PayloadCase).ToHashSet();
        Assert.Equal(8, kinds.Count);
        var offers = population.Events.Where(e => e.OfferOutcome is not null).Select(e => e.OfferOutcome.OfferId).ToHashSet();
        Assert.Equal(OfferIds.All.Order(), offers.Order());
        var outcomes = population.Events.Where(e => e.OfferOutcome is not null).Select(e => e.OfferOutcome.Outcome).ToHashSet();
        Assert.Equal([OfferOutcomeKind.Shown, OfferOutcomeKind.Accepted, OfferOutcomeKind.Declined], outcomes.Order());
        var txKinds = population.Events.Where(e => e.Transaction is not null).Select(e => e.Transaction.Kind).ToHashSet();
        Assert.Equal(3, txKinds.Count);
        Assert.Contains(population.Events, e => e.CardStatusChange is { Status: CardStatus.ClosedByCustomer });
        Assert.Contains(population.Events, e => e.Transaction is { CrossBorder: true });
        Assert.Contains(population.Events, e => e.AppLogin is { Success: false });
    }

    [Fact]
    public void Generate_WithoutDeliveryRealism_HasUniqueIdsAndEachCustomersEventsContiguousInTimeOrder()
    {
        var ids = new HashSet<string>();
        var finished = new HashSet<string>();
        string? current = null;
        long lastSeconds = long.MinValue;
        foreach (var e in population.Events)
        {
            Assert.True(ids.Add(e.EventId), $"duplicate id {e.EventId}");
            if (e.CustomerId != current)
            {
                Assert.True(current is null || finished.Add(current));
                Assert.DoesNotContain(e.CustomerId, finished);
                current = e.CustomerId;
                lastSeconds = long.MinValue;
            }

            Assert.True(e.EventTime.Seconds >= lastSeconds, $"{e.EventId} out of order");
            lastSeconds = e.EventTime.Seconds;
        }
    }

    [Fact]
    public void Generate_Profiles_OnePerCustomerWithBandsAndOpenDatesNotInTheFuture()
    {
        Assert.Equal(population.Options.Customers, population.Profiles.Count);
        Assert.Equal(population.Profiles.Count, population.Profiles.Select(p => p.CustomerId).Distinct().Count());
        var end = population.Options.End.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var openedInWindow = 0;
        foreach (var p in population.Profiles)
        {
            Assert.Matches("^C[0-9]{8}$", p.CustomerId);
            Assert.NotEqual(AgeBand.Unspecified, p.AgeBand);
            Assert.NotEqual(IncomeBand.Unspecified, p.IncomeBand);
            Assert.NotEqual(CardProduct.Unspecified, p.CardProduct);
            Assert.True(double.IsFinite(p.CreditLimit) && p.CreditLimit > 0);
            Assert.True(p.ProductsHeld >= 1);
            Assert.True(p.OpenDate.ToDateTime() < end);
            if (p.OpenDate.ToDateTime() >= population.Options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))
            {
                openedInWindow++;
            }
        }

        Assert.InRange(openedInWindow / (double)population.Profiles.Count, 0.08, 0.2);
    }

    [Fact]
    public void Generate_CardProducts_FitTheTier()
    {
        var tiers = population.Truth.ToDictionary(r => r[0], r => r[1]);
        foreach (var p in population.Profiles)
        {
            switch (tiers[p.CustomerId])
            {
                case "hnw":
                    Assert.Contains(p.CardProduct, new[] { CardProduct.Platinum, CardProduct.TravelCoBrand });
                    break;
                case "basic":
                    Assert.Contains(p.CardProduct, new[] { CardProduct.Classic, CardProduct.Youth });
                    break;
            }
        }
    }

    [Fact]
    public void Generate_Repayments_IncludeOnTimeMinimumOnlyAndLate()
    {
        int onTimeFull = 0, minimumOnly = 0, late = 0;
        foreach (var e in population.Events)
        {
            if (e.Repayment is { } r)
            {
                if (e.EventTime.Seconds > r.DueDate.Seconds)
                {
                    late++;
                }
                else if (r.Amount < r.StatementBalance)
                {
                    minimumOnly++;
                }
                else
                {
                    onTimeFull++;
                }
            }
        }

        Assert.True(onTimeFull > minimumOnly && minimumOnly > late && late > 100, $"{onTimeFull}/{minimumOnly}/{late}");
    }

    private static Dictionary<(int Year, int Month), double> PurchaseSpendByMonth(IEnumerable<Event> events)
    {
        var byMonth = new Dictionary<(int, int), double>();
        foreach (var e in events)
        {
            if (e.Transaction is { Kind: TransactionKind.Purchase } t)
            {
                var date = e.EventTime.ToDateTime();
                byMonth[(date.Year, date.Month)] = byMonth.GetValueOrDefault((date.Year, date.Month)) + t.Amount;
            }
        }

        return byMonth;
    }
}
