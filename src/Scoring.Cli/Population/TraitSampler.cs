using Scoring.V1;

namespace Scoring.Cli.Population;

/// <summary>Draws a customer's latent traits. The numbers are the model's assumptions (README.md).</summary>
internal static class TraitSampler
{
    // Median amount per transaction by merchant category, in CNY (index = MerchantCategory - 1).
    internal static readonly double[] CategoryMedian = [120, 1500, 300, 150, 200, 400, 250, 300, 1500, 200];

    // Sigma of the per-transaction log-normal amount.
    internal const double AmountSigma = 0.8;

    // Yearly hazards of the latent causes that are drawn up front (complaints and fees are drawn
    // when they happen); multiplied by the customer's risk factors.
    private const double CompetitorPerYear = 0.075;
    private const double EngagementPerYear = 0.04;
    private const double LifeEventPerYear = 0.03;

    public static CustomerTraits Draw(ref Xoshiro256 rng, double[] tierCumulative, int days)
    {
        var t = new CustomerTraits();
        var u = rng.NextDouble();
        var tierIndex = 0;
        while (tierIndex < 3 && u >= tierCumulative[tierIndex])
        {
            tierIndex++;
        }

        t.Tier = (ValueTier)(tierIndex + 1);
        DrawDemographics(ref rng, t);
        DrawSpending(ref rng, t);
        DrawBehaviour(ref rng, t);
        DrawLifecycle(ref rng, t, days);
        DrawChurn(ref rng, t, days);
        return t;
    }

    private static void DrawDemographics(ref Xoshiro256 rng, CustomerTraits t)
    {
        switch (t.Tier)
        {
            case ValueTier.Hnw:
                t.Age = (AgeBand)1 + rng.Pick([0, 0.02, 0.18, 0.38, 0.30, 0.12]);
                t.Income = rng.Chance(0.85) ? IncomeBand.High : IncomeBand.UpperMiddle;
                t.Product = rng.Chance(0.7) ? CardProduct.Platinum : CardProduct.TravelCoBrand;
                t.CreditLimit = RoundTo(rng.Uniform(150_000, 500_000), 10_000);
                t.ProductsHeld = rng.NextInt(3, 6);
                break;
            case ValueTier.Potential:
                t.Age = (AgeBand)1 + rng.Pick([0.12, 0.55, 0.25, 0.07, 0.01, 0]);
                t.Income = (IncomeBand)1 + rng.Pick([0, 0.1, 0.45, 0.4, 0.05]);
                t.Product = t.Age == AgeBand._1824 && rng.Chance(0.6)
                    ? CardProduct.Youth
                    : (CardProduct)(rng.Pick([0.15, 0.6, 0.05, 0.2]) + 1);
                t.CreditLimit = RoundTo(rng.Uniform(30_000, 80_000), 1_000);
                t.ProductsHeld = rng.NextInt(1, 4);
                break;
            case ValueTier.Mass:
                t.Age = (AgeBand)1 + rng.Pick([0.05, 0.22, 0.28, 0.24, 0.15, 0.06]);
                t.Income = (IncomeBand)1 + rng.Pick([0.05, 0.35, 0.45, 0.15, 0]);
                t.Product = rng.Chance(0.6) ? CardProduct.Classic : CardProduct.Gold;
                t.CreditLimit = RoundTo(rng.Uniform(10_000, 40_000), 1_000);
                t.ProductsHeld = rng.NextInt(1, 3);
                break;
            default:
                t.Age = (AgeBand)1 + rng.Pick([0.35, 0.10, 0.08, 0.08, 0.14, 0.25]);
                t.Income = (IncomeBand)1 + rng.Pick([0.65, 0.3, 0.05, 0, 0]);
                t.Product = t.Age == AgeBand._1824 && rng.Chance(0.7) ? CardProduct.Youth : CardProduct.Classic;
                t.CreditLimit = RoundTo(rng.Uniform(3_000, 10_000), 500);
                t.ProductsHeld = rng.NextInt(1, 2);
                break;
        }

    }

    private static void DrawSpending(ref Xoshiro256 rng, CustomerTraits t)
    {
        var (monthlySpend, txnPerMonth) = t.Tier switch
        {
            ValueTier.Hnw => (25_000.0, 22.0),
            ValueTier.Potential => (6_000.0, 18.0),
            ValueTier.Mass => (3_000.0, 11.0),
            _ => (800.0, 2.2),
        };
        t.TxnPerMonth = txnPerMonth * rng.LogNormal(1, t.Tier is ValueTier.Basic or ValueTier.Mass ? 0.7 : 0.45);
        monthlySpend *= rng.LogNormal(1, 0.45);

        t.Traveller = rng.Chance(t.Tier switch { ValueTier.Hnw => 0.7, ValueTier.Potential => 0.3, ValueTier.Mass => 0.12, _ => 0.03 });
        t.CarOwner = rng.Chance(t.Tier switch { ValueTier.Hnw => 0.8, ValueTier.Potential => 0.4, ValueTier.Mass => 0.35, _ => 0.08 });
        t.Diner = rng.Chance(t.Tier == ValueTier.Potential ? 0.55 : 0.3);
        t.FitnessFan = rng.Chance(t.Age <= AgeBand._3544 ? 0.25 : 0.08);
        t.OnlineShopper = rng.Chance(t.Age <= AgeBand._3544 ? 0.6 : 0.25);
        t.OnlineAffinity = Math.Clamp((t.OnlineShopper ? 0.7 : 0.3) + (0.15 * rng.Normal()), 0.05, 0.95);

        // dining, travel, fuel, grocery, entertainment, retail, utilities, health, education, other
        Span<double> w = [1.0, 0.15, 0.2, 1.0, 0.4, 0.8, 0.35, 0.15, 0.05, 0.3];
        if (t.Diner) { w[0] *= 2.2; }
        if (t.Traveller) { w[1] *= 5; }
        if (t.CarOwner) { w[2] *= 5; } else { w[2] *= 0.1; }
        if (t.OnlineShopper) { w[5] *= 1.6; }
        if (t.Tier == ValueTier.Potential) { w[4] *= 1.8; }
        if (t.Age == AgeBand._1824) { w[8] *= 3; }
        if (t.Age >= AgeBand._5564) { w[7] *= 3; }
        var meanPerTxn = 0.0;
        var total = 0.0;
        for (var i = 0; i < w.Length; i++)
        {
            w[i] *= rng.LogNormal(1, 0.3);
            t.CategoryWeights[i] = w[i];
            total += w[i];
        }

        for (var i = 0; i < w.Length; i++)
        {
            meanPerTxn += w[i] / total * CategoryMedian[i] * Math.Exp(AmountSigma * AmountSigma / 2);
        }

        t.AmountScale = monthlySpend / (t.TxnPerMonth * meanPerTxn);
    }

    private static void DrawBehaviour(ref Xoshiro256 rng, CustomerTraits t)
    {
        var digital = t.Age switch
        {
            AgeBand._1824 or AgeBand._2534 => 0.75,
            AgeBand._3544 => 0.6,
            AgeBand._4554 => 0.4,
            AgeBand._5564 => 0.25,
            _ => 0.12,
        };
        if (t.Tier == ValueTier.Potential)
        {
            digital += 0.1;
        }

        t.DigitalAffinity = Math.Clamp(digital + (0.18 * rng.Normal()), 0.01, 0.99);
        t.PoorDigitalExperience = rng.Chance(0.12);
        t.Platform = (AppPlatform)(rng.Pick([0.4, 0.5, 0.1]) + 1);
        t.Payer = (PayerType)rng.Pick(t.Tier switch
        {
            ValueTier.Hnw => [0.85, 0.13, 0.02],
            ValueTier.Potential => [0.55, 0.37, 0.08],
            ValueTier.Mass => [0.5, 0.38, 0.12],
            _ => [0.45, 0.35, 0.2],
        });
        t.RiskyCashUser = rng.Chance(t.Payer == PayerType.LateProne ? 0.35 : t.Payer == PayerType.Revolver ? 0.08 : 0.01);
        t.FeeSensitivity = Math.Clamp(rng.NextDouble() * (t.Tier == ValueTier.Hnw ? 0.6 : 1.0) + (t.Income <= IncomeBand.LowerMiddle ? 0.15 : 0), 0, 1);
        t.ComplaintProneness = rng.LogNormal(1, 0.6);
        t.StatementDay = rng.NextInt(1, 28);
    }

    private static void DrawLifecycle(ref Xoshiro256 rng, CustomerTraits t, int days)
    {
        var stage = (StartStage)rng.Pick([0.14, 0.18, 0.56, 0.08, 0.04]);
        t.Stage = stage;
        switch (stage)
        {
            case StartStage.New:
                t.OpenDay = rng.NextInt(0, days - 30);
                // Most make the first swipe within weeks; some never do.
                t.ActivationDay = rng.Chance(0.82) ? t.OpenDay + 1 + (int)rng.Exponential(12) : int.MaxValue;
                t.TrendPerMonth = 0.0;
                break;
            case StartStage.Growing:
                t.OpenDay = -rng.NextInt(60, 540);
                t.ActivationDay = t.OpenDay + 1 + (int)rng.Exponential(10);
                t.TrendPerMonth = rng.Uniform(0.02, 0.06);
                break;
            default:
                t.OpenDay = -rng.NextInt(540, 4000);
                t.ActivationDay = t.OpenDay + 1 + (int)rng.Exponential(10);
                // Soft decliners drift down but stay; noise for the churn model.
                t.TrendPerMonth = rng.Chance(0.1) ? -rng.Uniform(0.02, 0.04) : 0.005 * rng.Normal();
                break;
        }

        // Quiet spells (travel, illness, a second card in use for a while) that are not churn.
        if (rng.Chance(Math.Min(0.9, 0.45 * days / 365.0)))
        {
            t.QuietStart = rng.NextInt(0, days);
            t.QuietEnd = t.QuietStart + rng.NextInt(30, 110);
        }
    }

    private static void DrawChurn(ref Xoshiro256 rng, CustomerTraits t, int days)
    {
        if (t.Stage == StartStage.Dormant)
        {
            t.Cause = ChurnCause.DormantBeforeWindow;
            t.ChurnOnset = -rng.NextInt(250, 500);
            t.ChurnStop = t.ChurnOnset + rng.NextInt(30, 60);
            t.ClosesCard = false;
            return;
        }

        if (t.Stage == StartStage.Declining)
        {
            // Already fading when the window opens; a quarter recover and stay at a low level.
            if (rng.Chance(0.75))
            {
                t.Cause = ChurnCause.Engagement;
                t.ChurnOnset = -rng.NextInt(20, 150);
                t.ChurnStop = t.ChurnOnset + rng.NextInt(120, 330);
                t.ClosesCard = rng.Chance(0.15);
            }
            else
            {
                t.TrendPerMonth = 0;
                t.QuietStart = int.MaxValue;
            }

            return;
        }

        var risk = t.ProductsHeld switch { 1 => 1.5, 2 => 1.0, _ => 0.6 };
        risk *= t.Tier switch { ValueTier.Hnw => 0.6, ValueTier.Potential => 1.35, ValueTier.Basic => 1.1, _ => 1.0 };
        if (t.PoorDigitalExperience)
        {
            risk *= 1.4;
        }

        if (t.Stage == StartStage.New)
        {
            risk *= 1.2;
        }

        var years = days / 365.0;
        // Onsets may fall shortly before the window so some churners are already fading.
        var onsetMin = -60;
        var horizon = days - onsetMin;
        var u = rng.NextDouble();
        var pCompetitor = CompetitorPerYear * risk * years * horizon / days;
        var pEngagement = EngagementPerYear * risk * (t.DigitalAffinity < 0.3 ? 1.3 : 1.0) * years * horizon / days;
        var pLife = LifeEventPerYear * years;
        var onset = onsetMin + rng.NextInt(0, horizon);
        if (t.Stage == StartStage.New)
        {
            onset = Math.Max(onset, Math.Min(t.ActivationDay, days) + 30);
        }

        if (u < pCompetitor)
        {
            t.Cause = ChurnCause.Competitor;
            t.ChurnOnset = onset;
            t.ChurnStop = onset + rng.NextInt(25, 90);
            t.ClosesCard = rng.Chance(0.45);
        }
        else if (u < pCompetitor + pEngagement)
        {
            t.Cause = ChurnCause.Engagement;
            t.ChurnOnset = onset;
            t.ChurnStop = onset + rng.NextInt(120, 300);
            t.ClosesCard = rng.Chance(0.1);
        }
        else if (u < pCompetitor + pEngagement + pLife)
        {
            t.Cause = ChurnCause.LifeEvent;
            t.ChurnOnset = Math.Max(onset, 0);
            t.ChurnStop = t.ChurnOnset;
            t.ClosesCard = rng.Chance(0.5);
        }

    }

    private static double RoundTo(double value, double step) => Math.Round(value / step) * step;
}
