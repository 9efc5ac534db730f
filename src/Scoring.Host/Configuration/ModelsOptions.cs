namespace Scoring.Host.Configuration;

/// <summary>Where the model packages are loaded from at start. Section "Models".</summary>
public sealed class ModelsOptions
{
    public const string Section = "Models";

    /// <summary>
    /// Directory holding churn/, value/ and offers/&lt;offer_id&gt;/ packages (directories or .zip files).
    /// Empty: the models/ copy beside the service binary, else the nearest models/ above it (the repository's).
    /// </summary>
    public string? Directory { get; set; }
}

/// <summary>The offer catalogue file. Section "Offers".</summary>
public sealed class OffersOptions
{
    public const string Section = "Offers";

    /// <summary>offers.json to serve and watch; empty means the copy beside the service binary.</summary>
    public string? Catalogue { get; set; }
}
