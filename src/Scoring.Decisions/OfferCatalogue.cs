using System.Collections.Frozen;

namespace Scoring.Decisions;

/// <summary>A validated, compiled offer catalogue for one feature schema. Immutable; a
/// reload produces a new instance.</summary>
public sealed class OfferCatalogue
{
    private readonly Offer[] _offers;
    private readonly FrozenDictionary<string, int> _indexes;

    internal OfferCatalogue(string version, Offer[] offers, FeatureSchema schema)
    {
        Version = version;
        _offers = offers;
        Offers = Array.AsReadOnly(offers);
        Schema = schema;
        _indexes = offers.Select((o, i) => KeyValuePair.Create(o.Id, i)).ToFrozenDictionary(StringComparer.Ordinal);
        MonthsOnBookIndex = schema.IndexOf(DecisionFeatures.MonthsOnBook);
        LatePaymentsIndex = schema.IndexOf(DecisionFeatures.LatePayments12m);
        UtilisationIndex = schema.IndexOf(DecisionFeatures.Utilisation);
    }

    public string Version { get; }

    public FeatureSchema Schema { get; }

    /// <summary>Offers in file order; arbitration's per-offer inputs (propensities, contact histories) use this order.</summary>
    public IReadOnlyList<Offer> Offers { get; }

    public int Count => _offers.Length;

    internal ReadOnlySpan<Offer> Span => _offers;

    internal int MonthsOnBookIndex { get; }

    internal int LatePaymentsIndex { get; }

    internal int UtilisationIndex { get; }

    public bool TryGetIndex(string offerId, out int index) => _indexes.TryGetValue(offerId, out index);

    public int IndexOf(string offerId) => _indexes.TryGetValue(offerId, out var index) ? index : -1;
}
