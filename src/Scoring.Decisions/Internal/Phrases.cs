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

    /// <summary>"spending down 62% on the previous quarter" for a ratio (last 90 days / prior 90) of 0.38.</summary>
    public static string Change(string subject, double ratio, string against = "the previous quarter")
    {
        var change = ratio - 1;
        var pct = Percent(change);
        if (pct == 0)
        {
            return subject + " flat on " + against;
        }

        return subject + (change < 0 ? " down " : " up ") + pct.ToString(Invariant) + "% on " + against;
    }

    /// <summary>A catalogue meaning as a label: its first clause, lower-cased, without the full stop
    /// ("Complaints opened in the last 90 days." becomes "complaints opened in the last 90 days").</summary>
    public static string Label(string meaning)
    {
        var text = meaning.Trim();
        var cut = text.IndexOf(';', StringComparison.Ordinal);
        if (cut > 0)
        {
            text = text[..cut];
        }

        text = text.TrimEnd('.', ' ');
        // Keep acronyms ("UTC ...") as they are; lower-case an ordinary capitalised first word.
        return text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1])
            ? char.ToLowerInvariant(text[0]) + text[1..]
            : text;
    }
}
