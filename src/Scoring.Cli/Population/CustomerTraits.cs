using Scoring.V1;

namespace Scoring.Cli.Population;

/// <summary>Why a customer stops using the card (Population/README.md "Latent causes").</summary>
internal enum ChurnCause
{
    None,
    Competitor,
    Engagement,
    Complaint,
    Fee,
    LifeEvent,
    DormantBeforeWindow,
}

/// <summary>The stage the customer is in when the window opens.</summary>
internal enum StartStage
{
    New,
    Growing,
    Mature,
    Declining,
    Dormant,
}

internal enum PayerType
{
    Transactor,
    Revolver,
    LateProne,
}

/// <summary>
/// The latent variables of one customer, drawn once from the customer's own stream. Only the
/// profile and the events are visible to a model; these are written to truth.csv.
/// </summary>
internal sealed class CustomerTraits
{
    public ValueTier Tier { get; set; }
    public StartStage Stage { get; set; }
    public AgeBand Age { get; set; }
    public IncomeBand Income { get; set; }
    public CardProduct Product { get; set; }
    public double CreditLimit { get; set; }
    public int ProductsHeld { get; set; }

    /// <summary>Day of the card opening relative to the window start (negative: before it).</summary>
    public int OpenDay { get; set; }

    /// <summary>Day of the first swipe relative to the window start; int.MaxValue when never.</summary>
    public int ActivationDay { get; set; }

    public double TxnPerMonth { get; set; }
    public double AmountScale { get; set; }
    public double[] CategoryWeights { get; } = new double[10];
    public double OnlineAffinity { get; set; }
    public bool Traveller { get; set; }
    public bool CarOwner { get; set; }
    public bool Diner { get; set; }
    public bool FitnessFan { get; set; }
    public bool OnlineShopper { get; set; }
    public double DigitalAffinity { get; set; }
    public bool PoorDigitalExperience { get; set; }
    public AppPlatform Platform { get; set; }
    public PayerType Payer { get; set; }
    public bool RiskyCashUser { get; set; }
    public double FeeSensitivity { get; set; }
    public double ComplaintProneness { get; set; }
    public int StatementDay { get; set; }

    /// <summary>Long-run trend of activity per 30 days (growing customers above 0, soft decliners below).</summary>
    public double TrendPerMonth { get; set; }

    /// <summary>A temporary quiet spell (travel, illness) that is not churn; empty when Start >= End.</summary>
    public int QuietStart { get; set; } = int.MaxValue;
    public int QuietEnd { get; set; } = int.MaxValue;

    public ChurnCause Cause { get; set; }
    public int ChurnOnset { get; set; } = int.MaxValue;
    public int ChurnStop { get; set; } = int.MaxValue;
    public bool ClosesCard { get; set; }

    public double AnnualFee => Product switch
    {
        CardProduct.Platinum => 2000,
        CardProduct.TravelCoBrand => 600,
        CardProduct.Gold => 300,
        _ => 0,
    };
}
