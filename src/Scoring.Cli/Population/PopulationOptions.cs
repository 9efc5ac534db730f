using System.Globalization;

namespace Scoring.Cli.Population;

/// <summary>What `scoring generate` produces. Same options and seed → byte-identical files.</summary>
internal sealed class PopulationOptions
{
    public const int MinMonths = 12;
    public const int MaxMonths = 24;

    /// <summary>The run seed; every customer's stream is derived from it and the customer index.</summary>
    public ulong Seed { get; init; } = 42;

    public int Customers { get; init; } = 1000;

    public int Months { get; init; } = 12;

    /// <summary>First day of the window (UTC midnight). The default keeps a 24-month window in the past.</summary>
    public DateOnly Start { get; init; } = new(2024, 7, 1);

    /// <summary>Shares of HNW, Potential, Mass, Basic (normalised; the README's value tiers).</summary>
    public IReadOnlyList<double> TierShares { get; init; } = [0.03, 0.20, 0.50, 0.27];

    /// <summary>Fraction of events delivered twice (same event id), to exercise dedupe.</summary>
    public double DuplicateFraction { get; init; }

    /// <summary>Fraction of events delivered late, out of order, by up to <see cref="MaxLatenessDays"/>.</summary>
    public double OutOfOrderFraction { get; init; }

    public int MaxLatenessDays { get; init; } = 3;

    /// <summary>Customers per output block (the unit of parallel work and of one gzip member).</summary>
    public int BlockSize { get; init; } = 1024;

    public DateOnly End => Start.AddMonths(Months);

    /// <summary>Every problem with the options, each naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate(DateTimeOffset now)
    {
        var errors = new List<string>();
        if (Customers < 1)
        {
            errors.Add($"--customers must be at least 1 (got {Customers}).");
        }

        if (Months is < MinMonths or > MaxMonths)
        {
            errors.Add($"--months must be between {MinMonths} and {MaxMonths} (got {Months}).");
        }
        else if (End.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) > now.UtcDateTime)
        {
            errors.Add($"--start: the window {Start:yyyy-MM-dd} + {Months} months ends after now; events may not be in the future.");
        }

        if (TierShares.Count != 4)
        {
            errors.Add($"--tier-shares needs 4 values (HNW,Potential,Mass,Basic), got {TierShares.Count}.");
        }
        else if (TierShares.Any(s => !double.IsFinite(s) || s < 0) || TierShares.Sum() <= 0)
        {
            errors.Add("--tier-shares must be finite, non-negative and not all zero.");
        }

        if (!double.IsFinite(DuplicateFraction) || DuplicateFraction is < 0 or > 0.5)
        {
            errors.Add($"--duplicates must be between 0 and 0.5 (got {DuplicateFraction.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (!double.IsFinite(OutOfOrderFraction) || OutOfOrderFraction is < 0 or > 0.5)
        {
            errors.Add($"--out-of-order must be between 0 and 0.5 (got {OutOfOrderFraction.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (MaxLatenessDays is < 1 or > 14)
        {
            errors.Add($"--max-lateness-days must be between 1 and 14 (got {MaxLatenessDays}).");
        }

        if (BlockSize < 1)
        {
            errors.Add($"block size must be at least 1 (got {BlockSize}).");
        }

        return errors;
    }

    /// <summary>Parses "0.03,0.2,0.5,0.27"; null with an error naming the option when malformed.</summary>
    public static double[]? ParseTierShares(string text, out string? error)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                error = $"--tier-shares: '{parts[i]}' is not a number.";
                return null;
            }
        }

        error = null;
        return values;
    }
}
