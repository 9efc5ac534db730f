using System.Globalization;

namespace Scoring.Decisions.Internal;

/// <summary>Number and noun phrasing for text an agent reads aloud.</summary>
internal static class Phrases
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Counts are whole things: round half away from zero, never below 0.</summary>
    public static long Count(double value) => Math.Max(0, (long)Math.Round(value, MidpointRounding.AwayFromZero));

    /// <summary>Elapsed days are whole days passed (89.7 days is still 89), so text and stage boundaries agree.</summary>
    public static long Days(double value) => Math.Max(0, (long)Math.Floor(value));

    public static long Percent(double fraction) => (long)Math.Round(Math.Abs(fraction) * 100, MidpointRounding.AwayFromZero);

    /// <summary>"1 day", "2 days"; irregular plurals pass <paramref name="plural"/>.</summary>
    public static string Quantity(long n, string singular, string? plural = null) =>
        n == 1 ? "1 " + singular : n.ToString(Invariant) + " " + (plural ?? singular + "s");

    /// <summary>A plain number: whole values without decimals, others to 2 significant decimals.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value))
        {
            return "unknown";
        }

        var rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return rounded == Math.Floor(rounded)
            ? rounded.ToString("#,0", Invariant)
            : rounded.ToString("#,0.##", Invariant);
    }

    /// <summary>"spending down 62% on the previous quarter" for a change ratio of −0.62.</summary>
    public static string Change(string subject, double ratio)
    {
        var pct = Percent(ratio);
        if (pct == 0)
        {
            return subject + " flat on the previous quarter";
        }

        return subject + (ratio < 0 ? " down " : " up ") + pct.ToString(Invariant) + "% on the previous quarter";
    }
}
