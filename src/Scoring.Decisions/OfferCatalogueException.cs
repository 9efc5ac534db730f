namespace Scoring.Decisions;

/// <summary>An offer catalogue failed validation; <see cref="Errors"/> lists every problem,
/// each naming the offer id and the field.</summary>
public sealed class OfferCatalogueException : Exception
{
    public OfferCatalogueException(string source, IReadOnlyList<string> errors)
        : base($"{source}: {errors.Count} problem(s): " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    public OfferCatalogueException()
        : this("offer catalogue", [])
    {
    }

    public OfferCatalogueException(string message)
        : this("offer catalogue", [message])
    {
    }

    public OfferCatalogueException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; }
}
