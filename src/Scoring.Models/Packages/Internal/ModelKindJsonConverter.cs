using System.Text.Json;
using System.Text.Json.Serialization;
using Scoring.V1;

namespace Scoring.Models.Packages.Internal;

/// <summary>Writes <see cref="ModelKind"/> as churn / offer_propensity / value and rejects anything else.</summary>
internal sealed class ModelKindJsonConverter : JsonConverter<ModelKind>
{
    public override ModelKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return s switch
        {
            "churn" => ModelKind.Churn,
            "offer_propensity" => ModelKind.OfferPropensity,
            "value" => ModelKind.Value,
            _ => throw new JsonException($"kind must be churn, offer_propensity or value, was '{s ?? reader.TokenType.ToString()}'."),
        };
    }

    public override void Write(Utf8JsonWriter writer, ModelKind value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToText(value));

    internal static string ToText(ModelKind kind) => kind switch
    {
        ModelKind.Churn => "churn",
        ModelKind.OfferPropensity => "offer_propensity",
        ModelKind.Value => "value",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be Churn, OfferPropensity or Value."),
    };
}
