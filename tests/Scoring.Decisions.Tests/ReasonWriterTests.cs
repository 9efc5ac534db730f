using Google.Protobuf.Collections;
using Scoring.V1;

namespace Scoring.Decisions.Tests;

public class ReasonWriterTests
{
    private static readonly ReasonWriter Writer = new(TestData.Schema);

    [Theory]
    [InlineData(DecisionFeatures.AmountChange90d, 0.38, "spending down 62% on the previous quarter")]
    [InlineData(DecisionFeatures.AmountChange90d, 0.3751, "spending down 62% on the previous quarter")]
    [InlineData(DecisionFeatures.AmountChange90d, 1.125, "spending up 13% on the previous quarter")]
    [InlineData(DecisionFeatures.AmountChange90d, 0.996, "spending flat on the previous quarter")]
    [InlineData(DecisionFeatures.CountChange90d, 0.6, "transactions down 40% on the previous quarter")]
    [InlineData(DecisionFeatures.UnresolvedComplaints, 2, "2 complaints still unresolved")]
    [InlineData(DecisionFeatures.UnresolvedComplaints, 1, "1 complaint still unresolved")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 97, "no card use for 97 days")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 97.9, "no card use for 97 days")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 1, "no card use for 1 day")]
    [InlineData(DecisionFeatures.DaysSinceLastTxn, 0.4, "card used today")]
    [InlineData(DecisionFeatures.LatePayments12m, 3, "3 late payments in the last 12 months")]
    [InlineData(DecisionFeatures.LatePayments12m, 1, "1 late payment in the last 12 months")]
    [InlineData(DecisionFeatures.LatePayments12m, 0, "no late payments in the last 12 months")]
    [InlineData(DecisionFeatures.MinOnlyPayments12m, 2, "2 minimum-only payments in the last 12 months")]
    [InlineData(DecisionFeatures.PaymentRatio, 0.354, "repaid 35% of recent statement balances")]
    [InlineData(DecisionFeatures.Utilisation, 0.94, "credit use at 94% of the limit")]
    [InlineData(DecisionFeatures.Utilisation, 1.057, "credit use at 106% of the limit")]
    [InlineData(DecisionFeatures.DaysSinceLastLogin, 45, "no app login for 45 days")]
    [InlineData(DecisionFeatures.AppLogins30d, 0, "no app login in the last 30 days")]
    [InlineData(DecisionFeatures.AppLogins30d, 1, "1 app login in the last 30 days")]
    [InlineData(DecisionFeatures.FailedLogins30d, 3, "3 failed app logins in the last 30 days")]
    [InlineData(DecisionFeatures.CashAdvances90d, 1, "1 cash advance in the last 90 days")]
    [InlineData(DecisionFeatures.CashAdvances90d, 2, "2 cash advances in the last 90 days")]
    [InlineData(DecisionFeatures.Complaints365d, 1, "1 complaint in the last 12 months")]
    [InlineData(DecisionFeatures.Complaints90d, 0, "no complaints in the last 90 days")]
    [InlineData(DecisionFeatures.Contacts90d, 1, "1 contact with the bank in the last 90 days")]
    [InlineData(DecisionFeatures.Contacts90d, 4, "4 contacts with the bank in the last 90 days")]
    [InlineData(DecisionFeatures.MonthsInactive12m, 4, "no card use in 4 of the last 12 months")]
    [InlineData(DecisionFeatures.MonthsOnBook, 4, "card held for 4 months")]
    [InlineData(DecisionFeatures.MonthsOnBook, 1, "card held for 1 month")]
    [InlineData(DecisionFeatures.TxnCount90d, 1, "1 transaction in the last 90 days")]
    [InlineData(DecisionFeatures.ProductsHeld, 1, "1 product held with the bank")]
    [InlineData(DecisionFeatures.CardClosed, 1, "card closed")]
    [InlineData(DecisionFeatures.CardBlocked, 1, "card blocked or reported lost")]
    [InlineData("contacts_365d", 4, "4 contacts with the bank in the last 12 months")]
    [InlineData("avg_ticket_90d", 245.456, "average purchase of 245.46 in the last 90 days")]
    [InlineData(DecisionFeatures.TxnAmount90d, 12345.6789, "spent 12,345.68 in the last 90 days")]
    [InlineData(DecisionFeatures.TxnAmount90d, 0, "no spending in the last 90 days")]
    [InlineData("txn_count_7d", 0, "no transactions in the last 7 days")]
    [InlineData("count_chng_q4_q1", 0, "transactions down 100% on the same quarter nine months earlier")]
    [InlineData("amount_chng_q4_q1", 1.5, "spending up 50% on the same quarter nine months earlier")]
    [InlineData("share_cross_border_90d", 0.25, "25% of recent spending abroad")]
    [InlineData(DecisionFeatures.ShareDining90d, 0.1, "10% of recent spending on dining")]
    [InlineData("open_to_buy", 1500, "1,500 of the credit limit still available")]
    [InlineData("offers_declined_30d", 2, "2 offers declined in the last 30 days")]
    [InlineData("age_band", (double)AgeBand._3544, "age group 35-44")]
    [InlineData("income_band", (double)IncomeBand.UpperMiddle, "upper middle income band")]
    [InlineData("card_product", (double)CardProduct.TravelCoBrand, "travel co brand card")]
    [InlineData("card_product", 99, "unknown card")]
    public void Text_ForFeatureValue_ReadsAloudWithRightPluralAndRounding(string feature, double value, string expected)
    {
        Assert.Equal(expected, Writer.Text(TestData.Schema.IndexOf(feature), value));
    }

    [Fact]
    public void Text_EveryCatalogueFeature_HasItsOwnPhrasingNotTheCatalogueMeaning()
    {
        // A fallback reads "<meaning>: <value>"; no catalogue feature should reach an agent that way.
        var fallbacks = TestData.Schema.Names
            .Where(name => Writer.Text(TestData.Schema.IndexOf(name), 1).Contains(':', StringComparison.Ordinal))
            .ToList();
        Assert.Empty(fallbacks);
    }

    [Fact]
    public void Write_PositiveContributions_ReturnsTopKStrongestFirstWithCodesAndValues()
    {
        var values = TestData.Features(
            (DecisionFeatures.DaysSinceLastTxn, 97),
            (DecisionFeatures.UnresolvedComplaints, 2),
            (DecisionFeatures.AmountChange90d, 0.38));
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
        Assert.Equal(0.38, reasons[0].Value);
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

        string[] tied = [DecisionFeatures.Utilisation, DecisionFeatures.LatePayments12m, DecisionFeatures.DaysSinceLastTxn];
        Assert.Equal(tied.OrderBy(TestData.Schema.IndexOf), reasons.Select(r => r.Code));
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
            .OrderByDescending(i => contributions[i]).Take(5).Select(TestData.Schema.Name);
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

    [Fact]
    public void Write_ModelWithOwnFeatureOrder_ReadsContributionsAndValuesInThatOrder()
    {
        var writer = new ReasonWriter(FeatureSchema.FromNames([DecisionFeatures.Utilisation, DecisionFeatures.UnresolvedComplaints]));
        var reasons = new RepeatedField<Reason>();

        writer.Write([0.2, 0.7, -0.1], [0.94f, 2f], 3, reasons);

        Assert.Equal(["2 complaints still unresolved", "credit use at 94% of the limit"], reasons.Select(r => r.Text));
        Assert.Equal([2, 0.94], reasons.Select(r => r.Value));
    }

    [Fact]
    public void FromNames_NameNotInFeatureCatalogue_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => FeatureSchema.FromNames([DecisionFeatures.Utilisation, "no_such_feature"]));
        Assert.Contains("names[1] 'no_such_feature' is not in the feature catalogue", ex.Message, StringComparison.Ordinal);
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
