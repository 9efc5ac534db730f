using Microsoft.Extensions.Options;
using Scoring.Decisions;
using Scoring.Host.Configuration;
using Grpc.Core;

namespace Scoring.Host.Infrastructure;

/// <summary>Serves offers.json through <see cref="OfferCatalogueProvider"/> (hot reload, last valid kept).</summary>
internal sealed partial class OfferCatalogueService(IOptions<OffersOptions> options, ILogger<OfferCatalogueService> logger) : IHostedService, IDisposable
{
    private OfferCatalogueProvider? _provider;

    public OfferCatalogue Current => Volatile.Read(ref _provider)?.Current
        ?? throw new RpcException(new Status(StatusCode.Unavailable, "The offer catalogue is not loaded yet."));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = string.IsNullOrWhiteSpace(options.Value.Catalogue)
            ? Path.Combine(AppContext.BaseDirectory, "offers.json")
            : Path.GetFullPath(options.Value.Catalogue);
        var provider = await OfferCatalogueProvider.StartAsync(path, FeatureSchema.Catalogue, cancellationToken: cancellationToken).ConfigureAwait(false);
        provider.Reloaded += c => LogReloaded(logger, c.Version, c.Count);
        provider.ReloadFailed += reason => LogReloadFailed(logger, reason);
        Volatile.Write(ref _provider, provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _provider?.Dispose();

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Offer catalogue reloaded: version {Version}, {Count} offers")]
    private static partial void LogReloaded(ILogger logger, string version, int count);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Offer catalogue reload rejected, previous catalogue kept: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
