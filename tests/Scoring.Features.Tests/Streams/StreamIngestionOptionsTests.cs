using Scoring.Features.Streams;

namespace Scoring.Features.Tests.Streams;

public sealed class StreamIngestionOptionsTests
{
    [Fact]
    public void Validate_Defaults_Passes()
    {
        var options = new StreamIngestionOptions();
        options.Validate();
        Assert.Equal("events:in", options.StreamKey);
        Assert.Equal(5, options.MaxDeliveryAttempts);
        Assert.EndsWith("-" + Environment.ProcessId, options.ConsumerName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(StreamIngestionOptions.StreamKey), "")]
    [InlineData(nameof(StreamIngestionOptions.Group), " ")]
    [InlineData(nameof(StreamIngestionOptions.Group), "two words")]
    [InlineData(nameof(StreamIngestionOptions.ConsumerName), "")]
    [InlineData(nameof(StreamIngestionOptions.DeadLetterStreamKey), "")]
    [InlineData(nameof(StreamIngestionOptions.DeadLetterStreamKey), "events:in")]
    [InlineData(nameof(StreamIngestionOptions.BatchSize), "0")]
    [InlineData(nameof(StreamIngestionOptions.BatchSize), "10001")]
    [InlineData(nameof(StreamIngestionOptions.MaxDeliveryAttempts), "0")]
    [InlineData(nameof(StreamIngestionOptions.MaxPollDelay), "00:00:00")]
    [InlineData(nameof(StreamIngestionOptions.MaxPollDelay), "00:00:11")]
    [InlineData(nameof(StreamIngestionOptions.ClaimIdleTime), "00:00:00")]
    [InlineData(nameof(StreamIngestionOptions.ClaimInterval), "00:00:00")]
    [InlineData(nameof(StreamIngestionOptions.MetricsInterval), "00:00:00")]
    [InlineData(nameof(StreamIngestionOptions.ErrorDelay), "-00:00:01")]
    [InlineData(nameof(StreamIngestionOptions.StartId), "latest")]
    [InlineData(nameof(StreamIngestionOptions.StartId), "12-x")]
    public void Validate_BadField_ThrowsNamingTheField(string field, string value)
    {
        var options = new StreamIngestionOptions();
        var property = typeof(StreamIngestionOptions).GetProperty(field)!;
        object parsed = property.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : value;
        property.SetValue(options, parsed);

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(field, ex.ParamName);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("$")]
    [InlineData("1700000000000-0")]
    [InlineData("1700000000000")]
    public void Validate_StartIdForms_Pass(string startId) => new StreamIngestionOptions { StartId = startId }.Validate();
}
