using System.Text;
using System.Text.Json;

namespace Scoring.Protocol.Tests;

/// <summary>
/// HTTP/JSON on the HTTP/1.1 port (google.api.http annotations, Microsoft.AspNetCore.Grpc.JsonTranscoding),
/// called with curl. Errors carry the gRPC status as JSON (google.rpc.Status: code, message, details).
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class JsonTranscodingTests(ServiceFixture fixture)
{
    private Uri Url(string pathAndQuery) => new(fixture.Service.HttpAddress, pathAndQuery);

    private static JsonElement Json(byte[] body) => JsonDocument.Parse(body).RootElement;

    [Fact]
    public async Task GetScores_AsHttpGet_Returns200WithScoresAsJson()
    {
        var (status, type, body) = await Tools.CurlAsync("GET", Url($"/v1/customers/{ServiceFixture.CustomerId}/scores?channel=CHANNEL_MOBILE_APP"));

        Assert.True(status == 200, Encoding.UTF8.GetString(body));
        Assert.StartsWith("application/json", type, StringComparison.Ordinal);
        var json = Json(body);
        Assert.Equal(ServiceFixture.CustomerId, json.GetProperty("customerId").GetString());
        Assert.StartsWith("RISK_BAND_", json.GetProperty("churn").GetProperty("band").GetString(), StringComparison.Ordinal);
        Assert.True(json.GetProperty("models").GetArrayLength() > 0);
    }

    [Fact]
    public async Task GetScores_AsHttpGetForUnknownCustomer_Returns404WithGrpcStatusInBody()
    {
        var (status, _, body) = await Tools.CurlAsync("GET", Url("/v1/customers/nobody-json/scores?channel=CHANNEL_WEB"));

        Assert.Equal(404, status);
        var json = Json(body);
        Assert.Equal(5, json.GetProperty("code").GetInt32());
        Assert.Equal("customer_id: no profile or events for customer 'nobody-json'.", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GetScores_AsHttpGetWithoutChannel_Returns400NamingTheField()
    {
        var (status, _, body) = await Tools.CurlAsync("GET", Url($"/v1/customers/{ServiceFixture.CustomerId}/scores"));

        Assert.Equal(400, status);
        var json = Json(body);
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        Assert.StartsWith("channel:", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetScores_AsHttpGetWithUnknownChannelName_Returns400NamingTheValue()
    {
        var (status, _, body) = await Tools.CurlAsync("GET", Url($"/v1/customers/{ServiceFixture.CustomerId}/scores?channel=CHANNEL_PIGEON"));

        Assert.True(status == 400, Encoding.UTF8.GetString(body));
        var json = Json(body);
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        // The library's message names the value and the enum type, not the field.
        Assert.Equal("Invalid value 'CHANNEL_PIGEON' for enum type Channel.", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task UpsertProfileAndBatchGetScores_AsHttpPutAndPost_AnswerAsJson()
    {
        var customer = "json-" + Guid.NewGuid().ToString("N")[..12];
        var profile = $$"""
            {"customerId":"{{customer}}","ageBand":"AGE_BAND_35_44","incomeBand":"INCOME_BAND_HIGH","cardProduct":"CARD_PRODUCT_GOLD",
             "creditLimit":5000,"openDate":"2020-01-15T00:00:00Z","productsHeld":2}
            """;
        var put = await Tools.CurlAsync("PUT", Url($"/v1/customers/{customer}/profile"), "application/json", Encoding.UTF8.GetBytes(profile));
        Assert.True(put.Status == 200, Encoding.UTF8.GetString(put.Body));
        Assert.True(Json(put.Body).GetProperty("created").GetBoolean());

        var batch = $$"""{"customerIds":["{{customer}}","nobody-batch","not valid"],"channel":"CHANNEL_WEB","include":["SCORE_PART_VALUE"]}""";
        var post = await Tools.CurlAsync("POST", Url("/v1/scores:batchGet"), "application/json", Encoding.UTF8.GetBytes(batch));
        Assert.True(post.Status == 200, Encoding.UTF8.GetString(post.Body));
        var entries = Json(post.Body).GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(3, entries.Length);
        Assert.Equal(customer, entries[0].GetProperty("scores").GetProperty("customerId").GetString());
        Assert.True(entries[0].GetProperty("scores").TryGetProperty("value", out _));
        Assert.Equal(5, entries[1].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(3, entries[2].GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task UpsertProfile_AsHttpPutWithInvalidProfile_Returns400NamingTheField()
    {
        var profile = """{"customerId":"json-bad","creditLimit":-1,"openDate":"2020-01-15T00:00:00Z","productsHeld":1}""";

        var (status, _, body) = await Tools.CurlAsync("PUT", Url("/v1/customers/json-bad/profile"), "application/json", Encoding.UTF8.GetBytes(profile));

        Assert.Equal(400, status);
        Assert.StartsWith("profile.credit_limit:", Json(body).GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
