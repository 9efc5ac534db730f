using System.Threading.Channels;
using Grpc.Health.V1;
using Scoring.Transport.Health;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Transport.Tests.Health;

public sealed class HealthStatusRegistryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Check_OverallServerOnNewRegistry_IsServing() =>
        Assert.Equal(ServingStatus.Serving, new HealthStatusRegistry().Check(""));

    [Theory]
    [InlineData(ServingStatus.Serving)]
    [InlineData(ServingStatus.NotServing)]
    [InlineData(ServingStatus.Unknown)]
    public void Check_AfterSetStatus_ReturnsThatStatus(ServingStatus status)
    {
        var registry = new HealthStatusRegistry();

        registry.SetStatus("scoring.v1.Scoring", status);

        Assert.Equal(status, registry.Check("scoring.v1.Scoring"));
    }

    [Fact]
    public void Check_UnknownService_ThrowsNotFoundNamingTheService()
    {
        var error = Assert.Throws<RpcException>(() => new HealthStatusRegistry().Check("no.such.Service"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no.such.Service", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AfterClearStatus_ThrowsNotFound()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("svc", ServingStatus.Serving);

        registry.ClearStatus("svc");

        Assert.Equal(StatusCode.NotFound, Assert.Throws<RpcException>(() => registry.Check("svc")).StatusCode);
    }

    [Fact]
    public void SetStatus_ServiceUnknown_ThrowsNamingStatus()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new HealthStatusRegistry().SetStatus("svc", ServingStatus.ServiceUnknown));

        Assert.Equal("status", error.ParamName);
    }

    [Fact]
    public void SetStatus_AfterShutdown_IsIgnoredUntilResume()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("svc", ServingStatus.Serving);

        registry.Shutdown();
        registry.SetStatus("svc", ServingStatus.Serving);
        var afterShutdown = (registry.Check(""), registry.Check("svc"));
        registry.Resume();

        Assert.Equal((ServingStatus.NotServing, ServingStatus.NotServing), afterShutdown);
        Assert.Equal((ServingStatus.Serving, ServingStatus.Serving), (registry.Check(""), registry.Check("svc")));
    }

    [Fact]
    public async Task Watch_KnownService_YieldsCurrentThenEachChangeInOrder()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("svc", ServingStatus.NotServing);
        using var cancel = new CancellationTokenSource();
        var seen = Channel.CreateUnbounded<ServingStatus>();
        var watcher = ConsumeAsync(registry.Watch("svc", cancel.Token), seen.Writer);

        Assert.Equal(ServingStatus.NotServing, await NextAsync(seen.Reader));
        registry.SetStatus("svc", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await NextAsync(seen.Reader));
        registry.SetStatus("svc", ServingStatus.Serving); // not a change: nothing sent
        registry.SetStatus("svc", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await NextAsync(seen.Reader));
        registry.SetStatus("svc", ServingStatus.Unknown);
        Assert.Equal(ServingStatus.Unknown, await NextAsync(seen.Reader));

        await cancel.CancelAsync();
        await watcher.WaitAsync(Patience);
        Assert.False(seen.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Watch_UnknownService_YieldsServiceUnknownThenItsStatusWhenItAppears()
    {
        var registry = new HealthStatusRegistry();
        using var cancel = new CancellationTokenSource();
        var seen = Channel.CreateUnbounded<ServingStatus>();
        var watcher = ConsumeAsync(registry.Watch("later", cancel.Token), seen.Writer);

        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(seen.Reader));
        registry.SetStatus("later", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await NextAsync(seen.Reader));
        registry.ClearStatus("later");
        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(seen.Reader));

        await cancel.CancelAsync();
        await watcher.WaitAsync(Patience);
    }

    [Fact]
    public async Task Watch_SlowReader_GetsTheLatestStatus()
    {
        var registry = new HealthStatusRegistry();
        using var cancel = new CancellationTokenSource(Patience);
        await using var watch = registry.Watch("svc", cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(ServingStatus.ServiceUnknown, watch.Current.Status);

        // Many changes while the reader is not reading: intermediate ones may be coalesced.
        for (var i = 0; i < 1000; i++)
        {
            registry.SetStatus("svc", i % 2 == 0 ? ServingStatus.Serving : ServingStatus.NotServing);
        }

        registry.SetStatus("svc", ServingStatus.Serving);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(ServingStatus.Serving, watch.Current.Status);
    }

    [Fact]
    public async Task Watch_ManyWatchersAndShutdown_AllSeeNotServing()
    {
        var registry = new HealthStatusRegistry();
        using var cancel = new CancellationTokenSource();
        var channels = Enumerable.Range(0, 5).Select(_ => Channel.CreateUnbounded<ServingStatus>()).ToArray();
        var watchers = channels.Select(c => ConsumeAsync(registry.Watch("", cancel.Token), c.Writer)).ToArray();
        foreach (var c in channels)
        {
            Assert.Equal(ServingStatus.Serving, await NextAsync(c.Reader));
        }

        registry.Shutdown();

        foreach (var c in channels)
        {
            Assert.Equal(ServingStatus.NotServing, await NextAsync(c.Reader));
        }

        await cancel.CancelAsync();
        await Task.WhenAll(watchers).WaitAsync(Patience);
    }

    [Fact]
    public async Task HealthServiceCheckAsync_KnownAndUnknownService_AnswersOrThrowsNotFound()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("scoring.v1.Scoring", ServingStatus.NotServing);
        var service = new HealthService(registry);

        var response = await service.CheckAsync(new HealthCheckRequest { Service = "scoring.v1.Scoring" }, default);
        var error = await Assert.ThrowsAsync<RpcException>(
            async () => await service.CheckAsync(new HealthCheckRequest { Service = "nope" }, default));

        Assert.Equal(ServingStatus.NotServing, response.Status);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task HealthServiceWatchAsync_WritesChangesAndReturnsOnCancel()
    {
        var registry = new HealthStatusRegistry();
        var service = new HealthService(registry);
        using var cancel = new CancellationTokenSource();
        var written = Channel.CreateUnbounded<ServingStatus>();

        var call = service.WatchAsync(new HealthCheckRequest(), async (response, ct) =>
        {
            await written.Writer.WriteAsync(response.Status, ct);
        }, cancel.Token);

        Assert.Equal(ServingStatus.Serving, await NextAsync(written.Reader));
        registry.SetStatus("", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await NextAsync(written.Reader));
        await cancel.CancelAsync();
        await call.WaitAsync(Patience);
        Assert.True(call.IsCompletedSuccessfully);
    }

    internal static async Task ConsumeAsync(IAsyncEnumerable<HealthCheckResponse> watch, ChannelWriter<ServingStatus> sink)
    {
        await foreach (var response in watch)
        {
            await sink.WriteAsync(response.Status);
        }
    }

    internal static async Task<ServingStatus> NextAsync(ChannelReader<ServingStatus> reader)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await reader.ReadAsync(timeout.Token);
    }
}
