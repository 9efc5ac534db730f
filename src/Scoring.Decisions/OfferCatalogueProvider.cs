namespace Scoring.Decisions;

/// <summary>
/// Serves the current offer catalogue from a JSON file and reloads it when the file changes
/// (FileSystemWatcher, debounced so an editor's several writes cause one reload). A new file
/// that fails validation is reported through <see cref="LastError"/> and
/// <see cref="ReloadFailed"/>, and the previous catalogue keeps being served.
/// </summary>
public sealed class OfferCatalogueProvider : IDisposable
{
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(250);

    private readonly string _path;
    private readonly FeatureSchema _schema;
    private readonly TimeSpan _debounce;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private volatile OfferCatalogue _current;
    private volatile string? _lastError;

    private OfferCatalogueProvider(string path, FeatureSchema schema, TimeSpan debounce, OfferCatalogue initial)
    {
        _path = path;
        _schema = schema;
        _debounce = debounce;
        _current = initial;
        _timer = new Timer(static s => ((OfferCatalogueProvider)s!).OnDebounced(), this, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>The catalogue to arbitrate with now. Never null: the last valid one.</summary>
    public OfferCatalogue Current => _current;

    /// <summary>Why the most recent reload failed, or null when it succeeded.</summary>
    public string? LastError => _lastError;

    /// <summary>Raised after a valid file replaced the catalogue.</summary>
    public event Action<OfferCatalogue>? Reloaded;

    /// <summary>Raised with the reason when a changed file was rejected; the old catalogue stays.</summary>
    public event Action<string>? ReloadFailed;

    /// <summary>Loads the file (which must be valid at start) and starts watching it.</summary>
    public static async Task<OfferCatalogueProvider> StartAsync(string path, FeatureSchema schema, TimeSpan? debounce = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        var fullPath = Path.GetFullPath(path);
        var initial = await OfferCatalogueLoader.LoadFileAsync(fullPath, schema, cancellationToken).ConfigureAwait(false);
        var wait = debounce ?? DefaultDebounce;
        if (wait < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(debounce), debounce, "debounce must not be negative");
        }

        return new OfferCatalogueProvider(fullPath, schema, wait, initial);
    }

    /// <summary>Reloads now; true when the file was valid and is being served.</summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            OfferCatalogue next;
            try
            {
                next = await OfferCatalogueLoader.LoadFileAsync(_path, _schema, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OfferCatalogueException or IOException or UnauthorizedAccessException)
            {
                var reason = ex is OfferCatalogueException ? ex.Message : $"{Path.GetFileName(_path)}: cannot read: {ex.Message}";
                _lastError = reason;
                ReloadFailed?.Invoke(reason);
                return false;
            }

            _current = next;
            _lastError = null;
            Reloaded?.Invoke(next);
            return true;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        _timer.Dispose();
        _disposed.Dispose();
    }

    // Each event pushes the timer back, so a burst of writes causes one reload after it ends.
    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (!_disposed.IsCancellationRequested)
        {
            try
            {
                _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed between the check and the call: nothing to reload.
            }
        }
    }

    private async void OnDebounced()
    {
        // async void is the timer callback's only shape; every failure is caught here.
        try
        {
            await ReloadAsync(_disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed while reloading.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while reloading.
        }
        catch (Exception ex)
        {
            // A throwing event subscriber must not take the process down from a timer thread.
            _lastError = $"{Path.GetFileName(_path)}: reload handler failed: {ex.Message}";
        }
    }
}
