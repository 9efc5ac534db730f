using Microsoft.Extensions.Options;
using Scoring.Host.Configuration;
using Grpc.Core;

namespace Scoring.Host.Models;

/// <summary>
/// Holds the active <see cref="ModelSet"/>. Loaded at start (a bad package stops the service
/// with a message naming the package and problem); <see cref="Swap"/> replaces the whole set
/// atomically, so in-flight requests finish on the set they started with.
/// </summary>
internal sealed partial class ModelRegistry(IOptions<ModelsOptions> options, ILogger<ModelRegistry> logger) : IHostedService
{
    private ModelSet? _current;

    /// <summary>The serving set; UNAVAILABLE before start-up has loaded it.</summary>
    public ModelSet Current => Volatile.Read(ref _current)
        ?? throw new RpcException(new Status(StatusCode.Unavailable, "The models are not loaded yet."));

    /// <summary>The directory the packages come from.</summary>
    public string Directory { get; private set; } = string.Empty;

    /// <summary>Makes <paramref name="next"/> the serving set; returns the one it replaced.</summary>
    public ModelSet? Swap(ModelSet next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory = ResolveDirectory(options.Value.Directory);
        var set = ModelSet.LoadDirectory(Directory);
        Swap(set);
        LogLoaded(logger, set.Churn.Name, set.Churn.Version, set.Value.Name, set.Value.Version, set.OffersByName.Count, Directory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The configured directory, else models/ beside the binary, else the nearest models/ above it.</summary>
    internal static string ResolveDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "churn")) || File.Exists(Path.Combine(candidate, "churn.zip")))
            {
                return candidate;
            }
        }

        throw new ModelLoadException($"No models/ directory with a churn package beside or above {AppContext.BaseDirectory}; set Models:Directory.");
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Models loaded: {Churn} {ChurnVersion}, {Value} {ValueVersion}, {Offers} offer models from {Directory}")]
    private static partial void LogLoaded(ILogger logger, string churn, string churnVersion, string value, string valueVersion, int offers, string directory);
}
