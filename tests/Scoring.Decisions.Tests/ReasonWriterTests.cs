using Google.Protobuf.Collections;
using Scoring.V1;

namespace Scoring.Decisions.Tests;

public class ReasonWriterTests
{
    private static readonly ReasonWriter Writer = new(TestData.Schema);

    [Theory]
    [InlineData(DecisionFeatures.AmountChange90d, -0.62, "spending down 62% on the previous quarter")]
    [InlineData(DecisionFeatures.AmountChange90d, -0.6249, "spending down 62% on the previous quarter")]
    [InlineData(DecisionFeatures.AmountChange90d, 0.125, "spending up 13% on the previous quarter")]
    [InlineData(DecisionFeatures.AmountChange90d, -0.004, "spending flat on the previous quarter")]
    [InlineData(DecisionFeatures.CountChange90d, -0.4, "transactions down 40% on the previous quarter")]
    [InlineData(DecisionFeatures.UnresolvedComplaints, 2, "2 complaints still unresolved")]
    [InlineData(DecisionFeatures.UnresolvedComplaints, 1, "1 complaint still unresolved")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 97, "no card use for 97 days")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 97.9, "no card use for 97 days")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 1, "no card use for 1 day")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 0.4, "card used today")]
    [InlineData(DecisionFeatures.LatePayments12m, 3, "3 late payments in the last 12 months")]
    [InlineData(DecisionFeatures.LatePayments12m, 1, "1 late payment in the last 12 months")]
    [InlineData(DecisionFeatures.LatePayments12m, 0, "no late payments in the last 12 months")]
    [InlineData(DecisionFeatures.Utilisation, 0.94, "credit use at 94% of the limit")]
    [InlineData(DecisionFeatures.Utilisation, 1.057, "credit use at 106% of the limit")]
    [InlineData(DecisionFeatures.DaysSinceLastAppLogin, 45, "no app login for 45 days")]
    [InlineData(DecisionFeatures.AppLogins30d, 0, "no app login in the last 30 days")]
    [InlineData(DecisionFeatures.AppLogins30d, 1, "1 app login in the last 30 days")]
    [InlineData(DecisionFeatures.CashAdvances90d, 1, "1 cash advance in the last 90 days")]
    [InlineData(DecisionFeatures.CashAdvances90d, 2, "2 cash advances in the last 90 days")]
    [InlineData(DecisionFeatures.Complaints12m, 1, "1 complaint in the last 12 months")]
    [InlineData(DecisionFeatures.MonthsOnBook, 4, "card held for 4 months")]
    [InlineData(DecisionFeatures.MonthsOnBook, 1, "card held for 1 month")]
    [InlineData(DecisionFeatures.TxnCount90d, 1, "1 transaction in the last 90 days")]
    [InlineData(DecisionFeatures.ProductsHeld, 1, "1 product held with the bank")]
    [InlineData(DecisionFeatures.CardStatus, 4, "card closed by customer")]
    [InlineData(DecisionFeatures.CardStatus, 2, "card blocked")]
    [InlineData(TestData.ContactsWithBank12m, 4, "contacts with the bank in the last 12 months: 4")]
    [InlineData(TestData.ContactsWithBank12m, 2.456, "contacts with the bank in the last 12 months: 2.46")]
    [InlineData(DecisionFeatures.TxnAmount90d, 12345.6789, "amount spent in the last 90 days: 12,345.68")]
    public void Text_ForFeatureValue_ReadsAloudWithRightPluralAndRounding(string feature, double value, string expected)
    {
        Assert.Equal(expected, Writer.Text(TestData.Schema.IndexOf(feature), value));
    }

    [Fact]
    public void Write_PositiveContributions_ReturnsTopKStrongestFirstWithCodesAndValues()
    {
        var values = TestData.Features(
            (DecisionFeatures.DaysSinceLastTxn, 97),
            (DecisionFeatures.UnresolvedComplaints, 2),
            (DecisionFeatures.AmountChange90d, -0.62));
        var contributions = Contributions(
            (DecisionFeatures.DaysSinceLastTxn, 0.9),
            (DecisionFeatures.UnresolvedComplaints, 0.4),
            (DecisionFeatures.AmountChange90d, 1.3),
            (DecisionFeatures.Utilisation, -2.0));

        var reasons = new RepeatedField<Reason>();
        var written = Writer.Write(contributions, values, 2, reasons);

        Assert.Equal(2, written);
        Assert.Equal([DecisionFeatures.AmountChange90d, DecisionFeatures.DaysSinceLastTxn], reasons.Select(r => r.Code));
        Assert.Equal("spending down 62% on the previous quarter", reasons[0].Text);
        Assert.Equal(1.3, reasons[0].Contribution);
        Assert.Equal(-0.62, reasons[0].Value);
        Assert.Equal("no card use for 97 days", reasons[1].Text);
    }

    [Fact]
    public void Write_StrongestFeatureValueMissing_NeverReportsIt()
    {
        var values = TestData.Features((DecisionFeatures.DaysSinceLastTxn, double.NaN), (DecisionFeatures.UnresolvedComplaints, 1));
        var contributions = Contributions((DecisionFeatures.DaysSinceLastTxn, 3.0), (DecisionFeatures.UnresolvedComplaints, 0.5));

        var reasons = new RepeatedField<Reason>();
        Writer.Write(contributions, values, 3, reasons);

        var only = Assert.Single(reasons);
        Assert.Equal(DecisionFeatures.UnresolvedComplaints, only.Code);
        Assert.Equal("1 complaint still unresolved", only.Text);
    }

    [Fact]
    public void Write_NoPositiveContribution_WritesNothing()
    {
        var contributions = Contributions((DecisionFeatures.DaysSinceLastTxn, -0.3), (DecisionFeatures.Utilisation, 0.0));
        var reasons = new RepeatedField<Reason>();

        Assert.Equal(0, Writer.Write(contributions, TestData.Features(), 3, reasons));
        Assert.Empty(reasons);
    }

    [Fact]
    public void Write_EqualContributions_KeepsSchemaOrder()
    {
        var contributions = Contributions(
            (DecisionFeatures.Utilisation, 0.5),
            (DecisionFeatures.LatePayments12m, 0.5),
            (DecisionFeatures.DaysSinceLastTxn, 0.5));
        var reasons = new RepeatedField<Reason>();

        Writer.Write(contributions, TestData.Features(), 3, reasons);

        Assert.Equal([DecisionFeatures.DaysSinceLastTxn, DecisionFeatures.LatePayments12m, DecisionFeatures.Utilisation], reasons.Select(r => r.Code));
    }

    [Fact]
    public void Write_ManyPositiveContributions_KeepsExactlyTheLargestInOrder()
    {
        // Every feature contributes; the order of contributions is scrambled against the schema.
        var contributions = new double[TestData.Schema.Count + 1];
        for (var i = 0; i < TestData.Schema.Count; i++)
        {
            contributions[i] = ((i * 7) % TestData.Schema.Count) + 1;
        }

        contributions[^1] = 99; // the TreeSHAP bias term after the features is not a reason
        var reasons = new RepeatedField<Reason>();

        Writer.Write(contributions, TestData.Features(), 5, reasons);

        var expected = Enumerable.Range(0, TestData.Schema.Count)
            .OrderByDescending(i => contributions[i]).Take(5).Select(i => TestData.Schema[i].Name);
        Assert.Equal(expected, reasons.Select(r => r.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Write_MaxReasonsOutOfRange_ThrowsNamingMaxReasons(int maxReasons)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Writer.Write(new double[TestData.Schema.Count], TestData.Features(), maxReasons, []));
        Assert.Equal("maxReasons", ex.ParamName);
    }

    private static double[] Contributions(params (string Name, double Value)[] entries)
    {
        var c = new double[TestData.Schema.Count];
        foreach (var (name, value) in entries)
        {
            c[TestData.Schema.IndexOf(name)] = value;
        }

        return c;
    }
}
