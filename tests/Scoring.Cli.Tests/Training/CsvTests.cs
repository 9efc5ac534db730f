using Scoring.Cli.Training;

namespace Scoring.Cli.Tests.Training;

public sealed class CsvTests
{
    private static CsvTable Parse(string text) => CsvTable.Parse(new StringReader(text), "test.csv");

    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndNewlines_ReadsThemWhole()
    {
        var table = Parse("id,name,note\r\n1,\"Lee, A\",\"said \"\"hi\"\"\nthen left\"\n2,B,\n");

        Assert.Equal(["id", "name", "note"], table.Header);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["1", "Lee, A", "said \"hi\"\nthen left"], table.Rows[0]);
        Assert.Equal(["2", "B", ""], table.Rows[1]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a,b\n1,2,3\n", "record 2 has 3 fields")]
    [InlineData("a,a\n1,2\n", "'a' appears twice")]
    [InlineData("a,b\n\"1,2\n", "not closed")]
    public void Parse_MalformedFile_ThrowsNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_TextCategoriesTextLabelMissingCellsAndIdColumn_EncodesAsDocumented()
    {
        var table = Parse("""
            customer,city,age,income,status
            c1,Shanghai,34,5000.5,churned
            c2,Beijing,,7000,stayed
            c3,Shanghai,51,NA,stayed
            c4,,29,3000,churned
            """);
        var encoding = CsvEncoding.Fit(table, "status", "churned", ["customer"]);
        var data = encoding.Encode(table, "train.csv");

        Assert.Equal(["city", "age", "income"], data.FeatureNames);
        Assert.Equal([1f, 0f, 0f, 1f], data.Labels);
        var city = Assert.Single(encoding.Categories);
        Assert.Equal(["Beijing", "Shanghai"], city.Values);
        Assert.Equal([1f, 34f, 5000.5f], data.Row(0).ToArray());
        Assert.Equal(0f, data.Row(1)[0]);
        Assert.True(float.IsNaN(data.Row(1)[1]));
        Assert.True(float.IsNaN(data.Row(2)[2]));
        Assert.True(float.IsNaN(data.Row(3)[0]));
    }

    [Fact]
    public void Encode_TestFileWithUnseenCategoryAndOtherColumnOrder_UsesTheTrainingMapping()
    {
        var train = Parse("city,spend,label\nA,1,0\nB,2,1\n");
        var test = Parse("label,spend,city\n1,3,C\n0,4,B\n");
        var encoding = CsvEncoding.Fit(train, "label", null, []);
        var data = encoding.Encode(test, "test.csv");

        Assert.Equal([1f, 0f], data.Labels);
        Assert.True(float.IsNaN(data.Row(0)[0]));
        Assert.Equal([1f, 4f], data.Row(1).ToArray());
    }

    [Theory]
    [InlineData("true", 1f)]
    [InlineData("No", 0f)]
    [InlineData("1", 1f)]
    [InlineData("0.0", 0f)]
    public void Encode_BinaryLabelWithoutPositive_ReadsIt(string value, float expected)
    {
        var table = Parse($"x,y\n1,{value}\n");
        Assert.Equal(expected, CsvEncoding.Fit(table, "y", null, []).Encode(table, "t.csv").Labels[0]);
    }

    [Theory]
    [InlineData("x,y\n1,a\n2,b\n", "y", null, "", "--positive VALUE")]
    [InlineData("x,y\n1,a\n2,b\n", "z", "a", "", "--label: column 'z'")]
    [InlineData("x,y\n1,a\n2,b\n", "y", "c", "", "--positive: value 'c'")]
    [InlineData("x,y\n1,a\n2,b\n", "y", "a", "w", "--exclude: column 'w'")]
    [InlineData("x,y\n1,a\n2,b\n", "y", "a", "x", "no feature columns")]
    [InlineData("x,y\n", "y", null, "", "no records")]
    public void Fit_BadArguments_ThrowsNamingTheOption(string text, string label, string? positive, string exclude, string expected)
    {
        var table = Parse(text);
        var excluded = exclude.Length == 0 ? Array.Empty<string>() : exclude.Split(',');
        var error = Assert.Throws<ArgumentException>(() => CsvEncoding.Fit(table, label, positive, excluded));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_EmptyLabelCell_ThrowsNamingTheRecord()
    {
        var train = Parse("x,y\n1,1\n2,0\n");
        var encoding = CsvEncoding.Fit(train, "y", null, []);
        var error = Assert.Throws<InvalidDataException>(() => encoding.Encode(Parse("x,y\n1,1\n2,\n"), "test.csv"));
        Assert.Contains("record 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_TextInANumericColumnOfTheTestFile_ThrowsNamingTheColumn()
    {
        var encoding = CsvEncoding.Fit(Parse("x,y\n1,1\n2,0\n"), "y", null, []);
        var error = Assert.Throws<InvalidDataException>(() => encoding.Encode(Parse("x,y\nabc,1\n"), "test.csv"));
        Assert.Contains("column 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_Stratified_KeepsBothClassesOnBothSidesAndIsSeeded()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i % 10 == 0 ? 1f : 0f).ToArray();
        var data = new Dataset(["x"], Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), labels);
        var (train, test) = data.Split(0.2, 1);
        var (_, again) = data.Split(0.2, 1);

        Assert.Equal(80, train.Rows);
        Assert.Equal(20, test.Rows);
        Assert.Equal(2, test.Labels.Count(l => l == 1f));
        Assert.Equal(test.Features, again.Features);
        Assert.Empty(train.Features.Intersect(test.Features));
    }
}
