using System.Text.Json.Nodes;
using Grpc.Core;
using Scoring.Host.Models;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>How the service fails: the feature store down, a bad model package at start.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceFailureTests(ServiceFixture service)
{
    [Fact]
    public async Task Calls_WhileRedisIsDown_AreUnavailableBeforeTheDeadline()
    {
        await service.WaitServingAsync();
        await service.Redis.StopAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            var get = await Assert.ThrowsAsync<RpcException>(async () => await service.Scores.GetScoresAsync(
                new GetScoresRequest { CustomerId = "c1", Channel = Channel.Web }, deadline: deadline));
            Assert.Equal(StatusCode.Unavailable, get.StatusCode);

            var batch = await Assert.ThrowsAsync<RpcException>(async () => await service.Scores.BatchGetScoresAsync(
                new BatchGetScoresRequest { CustomerIds = { "c1", "c2" }, Channel = Channel.Web }, deadline: deadline));
            Assert.Equal(StatusCode.Unavailable, batch.StatusCode);

            var upsert = await Assert.ThrowsAsync<RpcException>(async () => await service.Ingest.UpsertProfileAsync(
                new UpsertProfileRequest { Profile = IngestTests.Profile("c1") }, deadline: deadline));
            Assert.Equal(StatusCode.Unavailable, upsert.StatusCode);

            using var ingest = service.Ingest.IngestEvents(deadline: deadline);
            await ingest.RequestStream.WriteAsync(IngestTests.Purchase("c1", "e1", DateTimeOffset.UtcNow.AddDays(-1), 5));
            await ingest.RequestStream.CompleteAsync();
            var ingested = await Assert.ThrowsAsync<RpcException>(() => ingest.ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, ingested.StatusCode);
        }
        finally
        {
            await service.Redis.RestartAsync();
        }

        await service.WaitServingAsync();
    }

    [Fact]
    public async Task GetScores_WhileRedisIsBusy_IsUnavailableRatherThanPastTheDeadline()
    {
        await service.WaitServingAsync();
        // Redis runs one command at a time: while DEBUG SLEEP runs, the service's read waits. Should
        // the read reach Redis before the sleep began (NOT_FOUND: c1 does not exist), sleep again.
        RpcException ex;
        var attempt = 0;
        do
        {
            var sleeping = await RedisConnections.SleepAsync(service.Redis.Endpoint, TimeSpan.FromSeconds(3));
            ex = await Assert.ThrowsAsync<RpcException>(async () => await service.Scores.GetScoresAsync(
                new GetScoresRequest { CustomerId = "c1", Channel = Channel.Web }, deadline: DateTime.UtcNow.AddSeconds(1.5)));
            await sleeping.WaitAsync(TimeSpan.FromSeconds(30));
        }
        while (ex.StatusCode == StatusCode.NotFound && ++attempt < 3);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        await service.WaitServingAsync();
    }

    [Fact]
    public async Task Start_WithAPackageWhoseFeatureTypeDisagreesWithTheCatalogue_FailsNamingPackageAndFeature()
    {
        var models = Path.Combine(Path.GetTempPath(), "scoring-models-" + Guid.NewGuid().ToString("N"));
        try
        {
            var source = ModelRegistry.ResolveDirectory(null);
            foreach (var name in new[] { "churn", "value" })
            {
                Directory.CreateDirectory(Path.Combine(models, name));
                foreach (var file in new[] { "manifest.json", "model.json" })
                {
                    File.Copy(Path.Combine(source, name, file), Path.Combine(models, name, file));
                }
            }

            // days_since_last_txn is Numeric in the catalogue; the package claims Count.
            var manifestPath = Path.Combine(models, "value", "manifest.json");
            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
            var feature = manifest["features"]!.AsArray().First(f => (string?)f!["name"] == "days_since_last_txn")!;
            feature["type"] = "Count";
            await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());

            await using var app = ServiceFixture.BuildApp(new Dictionary<string, string?>
            {
                ["Endpoints:Grpc"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Endpoints:Metrics"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Endpoints:Http"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Redis:Endpoint"] = service.Redis.Endpoint,
                ["Models:Directory"] = models,
            });
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
            Assert.Contains("'value'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("days_since_last_txn", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task Start_WithoutAChurnPackage_FailsNamingTheMissingPackage()
    {
        var empty = Directory.CreateTempSubdirectory("scoring-no-models-");
        try
        {
            await using var app = ServiceFixture.BuildApp(new Dictionary<string, string?>
            {
                ["Endpoints:Grpc"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Endpoints:Metrics"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Endpoints:Http"] = $"127.0.0.1:{TestPorts.GetFreeTcpPort()}",
                ["Redis:Endpoint"] = service.Redis.Endpoint,
                ["Models:Directory"] = empty.FullName,
            });
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
            Assert.Contains("'churn'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Registry_AtStart_ServesTheShippedChurnValueAndOfferPackages()
    {
        var set = service.Get<ModelRegistry>().Current;
        Assert.Equal("churn", set.Churn.Name);
        Assert.Equal("value", set.Value.Name);
        Assert.NotEmpty(set.OffersByName);
        Assert.All(set.OffersByName, p => Assert.StartsWith("offer_", p.Key, StringComparison.Ordinal));
    }
}
