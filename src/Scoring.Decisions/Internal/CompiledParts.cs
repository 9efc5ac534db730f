using System.Globalization;
using System.Text;

namespace Scoring.Decisions.Internal;

internal enum RuleOp
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

/// <summary>A {feature, op, value} rule with the feature resolved to its vector index at load.
/// The value is kept in float32, as the feature vector is, so "utilisation &lt;= 0.85" holds for
/// a stored 0.85f (which widened to double would be 0.8500000238).</summary>
internal readonly record struct FeatureRule(int FeatureIndex, string Feature, RuleOp Op, float Value)
{
    /// <summary>A missing (NaN) value satisfies no comparison, so a required rule fails and a forbidding rule does not fire.</summary>
    public bool Holds(float actual) => Op switch
    {
        RuleOp.Less => actual < Value,
        RuleOp.LessOrEqual => actual <= Value,
        RuleOp.Greater => actual > Value,
        RuleOp.GreaterOrEqual => actual >= Value,
        RuleOp.Equal => actual == Value,
        RuleOp.NotEqual => !float.IsNaN(actual) && actual != Value,
        _ => false,
    };

    public override string ToString() => Feature + " " + OpText(Op) + " " + Phrases.Number(Value);

    public static string OpText(RuleOp op) => op switch
    {
        RuleOp.Less => "<",
        RuleOp.LessOrEqual => "<=",
        RuleOp.Greater => ">",
        RuleOp.GreaterOrEqual => ">=",
        RuleOp.Equal => "==",
        _ => "!=",
    };

    public static bool TryParseOp(string? text, out RuleOp op)
    {
        switch (text)
        {
            case "<": op = RuleOp.Less; return true;
            case "<=": op = RuleOp.LessOrEqual; return true;
            case ">": op = RuleOp.Greater; return true;
            case ">=": op = RuleOp.GreaterOrEqual; return true;
            case "==": op = RuleOp.Equal; return true;
            case "!=": op = RuleOp.NotEqual; return true;
            default: op = default; return false;
        }
    }
}

/// <summary>Contact frequency limits; zero disables the matching day rule. WindowDays is 7, 30
/// or 90: the windows Scoring.Features.OfferContactHistory counts shows over.</summary>
internal readonly record struct ContactRules(int MaxShows, int WindowDays, int CooldownDaysAfterDecline, int SuppressDaysAfterAcceptance);

/// <summary>An inclusive month-day window that may wrap the year end (e.g. 12-20 to 01-05).</summary>
internal readonly record struct SeasonWindow(int FromMonth, int FromDay, int ToMonth, int ToDay)
{
    public bool Contains(DateTimeOffset now)
    {
        // The caller's offset decides the calendar day (the bank's local date).
        var key = (now.Month * 100) + now.Day;
        var from = (FromMonth * 100) + FromDay;
        var to = (ToMonth * 100) + ToDay;
        return from <= to ? key >= from && key <= to : key >= from || key <= to;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FromMonth:00}-{FromDay:00} to {ToMonth:00}-{ToDay:00}");

    public static bool TryParseMonthDay(string? text, out int month, out int day)
    {
        month = day = 0;
        if (text is not { Length: 5 } || text[2] != '-'
            || !int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out month)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out day))
        {
            return false;
        }

        // 2024 is a leap year, so 02-29 is a valid season boundary.
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(2024, month);
    }
}

/// <summary>A "why" text with {feature_name} placeholders resolved to indexes at load.</summary>
internal sealed class WhyTemplate
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly string[] _literals;
    private readonly int[] _features;

    private WhyTemplate(string[] literals, int[] features)
    {
        _literals = literals;
        _features = features;
    }

    /// <summary>Parses the template; returns an error text (naming the placeholder) or null.</summary>
    public static string? TryCompile(string text, FeatureSchema schema, out WhyTemplate? template)
    {
        template = null;
        var literals = new List<string>();
        var features = new List<int>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                return $"unmatched '}}' at position {i}";
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                return $"unclosed '{{' at position {i}";
            }

            var name = text[(i + 1)..end];
            var index = schema.IndexOf(name);
            if (index < 0)
            {
                return $"unknown feature '{name}' in placeholder";
            }

            literals.Add(literal.ToString());
            literal.Clear();
            features.Add(index);
            i = end;
        }

        literals.Add(literal.ToString());
        template = new WhyTemplate([.. literals], [.. features]);
        return null;
    }

    public string Render(ReadOnlySpan<float> values)
    {
        if (_features.Length == 0)
        {
            return _literals[0];
        }

        var sb = t_builder ??= new StringBuilder(128);
        sb.Clear();
        for (var i = 0; i < _features.Length; i++)
        {
            sb.Append(_literals[i]).Append(Phrases.Number(values[_features[i]]));
        }

        return sb.Append(_literals[^1]).ToString();
    }
}
