namespace Scoring.Decisions.Tests;

public sealed class OfferCatalogueProviderTests : IDisposable
{
    // Generous: file events on a busy 2-core machine can be slow; the tests wait for state, not time.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    private readonly string _dir = Directory.CreateTempSubdirectory("scoring-offers-").FullName;

    private string CataloguePath => Path.Combine(_dir, "offers.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Provider_ValidFileWritten_ServesTheNewOffers()
    {
        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "first_offer")));
        using var provider = await OfferCatalogueProvider.StartAsync(CataloguePath, TestData.Schema, Debounce);
        var reloaded = new TaskCompletionSource<OfferCatalogue>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += c =>
        {
            if (c.IndexOf("second_offer") >= 0)
            {
                reloaded.TrySetResult(c);
            }
        };
        Assert.Equal(["first_offer"], provider.Current.Offers.Select(o => o.Id));

        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "second_offer"), TestData.OfferJson(id: "third_offer")));

        var served = await reloaded.Task.WaitAsync(Patience);
        Assert.Same(served, provider.Current);
        Assert.Equal(["second_offer", "third_offer"], provider.Current.Offers.Select(o => o.Id));
        Assert.Null(provider.LastError);
    }

    [Fact]
    public async Task Provider_InvalidFileWritten_KeepsOldCatalogueAndReportsWhy()
    {
        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "good_offer")));
        using var provider = await OfferCatalogueProvider.StartAsync(CataloguePath, TestData.Schema, Debounce);
        var original = provider.Current;
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.ReloadFailed += reason =>
        {
            if (reason.Contains("unknown channel", StringComparison.Ordinal))
            {
                failed.TrySetResult(reason);
            }
        };

        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "bad_offer", channels: "[\"fax\"]")));

        var reason = await failed.Task.WaitAsync(Patience);
        Assert.Contains("offer 'bad_offer': channels[0]: unknown channel 'fax'", reason, StringComparison.Ordinal);
        Assert.Same(original, provider.Current);
        Assert.Equal(reason, provider.LastError);

        // Fixing the file brings reloads back and clears the error.
        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += c =>
        {
            if (c.IndexOf("fixed_offer") >= 0)
            {
                recovered.TrySetResult();
            }
        };
        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "fixed_offer")));
        await recovered.Task.WaitAsync(Patience);
        Assert.Equal(["fixed_offer"], provider.Current.Offers.Select(o => o.Id));
        Assert.Null(provider.LastError);
    }

    [Fact]
    public async Task Provider_FileReplacedByRename_ServesTheNewOffers()
    {
        // Deployment tools write a temp file and rename it over the old one.
        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "first_offer")));
        using var provider = await OfferCatalogueProvider.StartAsync(CataloguePath, TestData.Schema, Debounce);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Reloaded += c =>
        {
            if (c.IndexOf("renamed_offer") >= 0)
            {
                reloaded.TrySetResult();
            }
        };

        var temp = Path.Combine(_dir, "offers.json.tmp");
        await File.WriteAllTextAsync(temp, TestData.CatalogueJson(TestData.OfferJson(id: "renamed_offer")));
        File.Move(temp, CataloguePath, overwrite: true);

        await reloaded.Task.WaitAsync(Patience);
        Assert.Equal(["renamed_offer"], provider.Current.Offers.Select(o => o.Id));
    }

    [Fact]
    public async Task ReloadAsync_FileDeleted_KeepsOldCatalogueAndReportsCannotRead()
    {
        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(id: "kept_offer")));
        using var provider = await OfferCatalogueProvider.StartAsync(CataloguePath, TestData.Schema, Debounce);
        File.Delete(CataloguePath);

        Assert.False(await provider.ReloadAsync());

        Assert.Equal(["kept_offer"], provider.Current.Offers.Select(o => o.Id));
        Assert.StartsWith("offers.json: cannot read:", provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InvalidFile_ThrowsWithEveryProblem()
    {
        await File.WriteAllTextAsync(CataloguePath, TestData.CatalogueJson(TestData.OfferJson(prior: 2)));

        var ex = await Assert.ThrowsAsync<OfferCatalogueException>(() => OfferCatalogueProvider.StartAsync(CataloguePath, TestData.Schema));

        Assert.Equal(["offer 'test_offer': prior: must be a probability from 0 to 1, got 2"], ex.Errors);
    }

    [Fact]
    public async Task StartAsync_MissingFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => OfferCatalogueProvider.StartAsync(CataloguePath, TestData.Schema));
    }
}
