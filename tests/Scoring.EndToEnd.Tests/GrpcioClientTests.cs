using System.Text.Json;
using Scoring.Testing;
using Scoring.V1;

namespace Scoring.EndToEnd.Tests;

/// <summary>The service called by python grpcio, an implementation that shares no code with ours.</summary>
[Collection(PopulationCollection.Name)]
public sealed class GrpcioClientTests(PopulationFixture population)
{
    [Fact]
    public async Task IngestAndGetScores_FromGrpcio_AnswerAsSpecified()
    {
        var protos = Path.Combine(AppContext.BaseDirectory, "Protos");
        // scoring.proto and ingest.proto import google/api/annotations.proto (HTTP/JSON routes), so
        // python needs its module and http.proto's too; protoc finds descriptor.proto in its include dir.
        var generated = await PythonRunner.GenerateProtosAsync(protos,
            "google/api/annotations.proto", "google/api/http.proto",
            "scoring/v1/common.proto", "scoring/v1/events.proto", "scoring/v1/ingest.proto", "scoring/v1/scoring.proto");
        var output = await PythonRunner.RunAsync(
            Path.Combine(AppContext.BaseDirectory, "Python", "scoring_client.py"),
            [$"127.0.0.1:{population.Service.GrpcPort}", "py-customer"],
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["PYTHONPATH"] = generated });
        var r = JsonDocument.Parse(output).RootElement;

        Assert.True(r.GetProperty("created").GetBoolean());
        var summary = r.GetProperty("summary");
        Assert.Equal("62", summary.GetProperty("received").GetString());
        Assert.Equal("60", summary.GetProperty("applied").GetString());
        Assert.Equal("1", summary.GetProperty("duplicate").GetString());
        Assert.Equal("1", summary.GetProperty("invalid").GetString());
        Assert.Equal("transaction.currency", summary.GetProperty("rejections")[0].GetProperty("field").GetString());

        // The python caller decoded the same answer our client gets.
        var ours = await population.GetScoresAsync(new GetScoresRequest { CustomerId = "py-customer", Channel = Channel.Web });
        var scores = r.GetProperty("scores");
        Assert.Equal("py-customer", scores.GetProperty("customer_id").GetString());
        Assert.Equal("RISK_BAND_" + ours.Churn.Band.ToString().ToUpperInvariant(), scores.GetProperty("churn").GetProperty("band").GetString());
        Assert.Equal(ours.Churn.Reasons.Select(x => x.Code), scores.GetProperty("churn").GetProperty("reasons").EnumerateArray().Select(x => x.GetProperty("code").GetString()));
        Assert.Equal(ours.Value.Stage.ToString(), Pascal(scores.GetProperty("value").GetProperty("stage").GetString()!["LIFECYCLE_STAGE_".Length..]));
        Assert.Equal(ours.Models.Count, scores.GetProperty("models").GetArrayLength());

        var error = r.GetProperty("error");
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("code").GetString());
        Assert.StartsWith("customer_id", error.GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    private static string Pascal(string upperSnake) =>
        string.Concat(upperSnake.Split('_').Select(w => w[..1] + w[1..].ToLowerInvariant()));
}
