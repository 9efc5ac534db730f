using System.Globalization;
using System.Text;

namespace Scoring.Transport.Metrics.Internal;

/// <summary>
/// The Prometheus text exposition format 0.0.4
/// (prometheus.io/docs/instrumenting/exposition_formats): names, escaping and numbers.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes '_'.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Label names match [a-zA-Z_][a-zA-Z0-9_]*.</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed (in that set only).</summary>
    public static void AppendEscapedLabelValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }
    }

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    public static void AppendEscapedHelp(StringBuilder builder, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }
    }

    public static string RenderLabels(string[] keys, string[] values)
    {
        if (keys.Length == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            // Two tags that sanitise to one name ("a.b", "a_b") would make a sample Prometheus
            // rejects; the first (in key order) wins.
            var name = SanitizeLabelName(keys[i]);
            if (!names.Add(name))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"");
            AppendEscapedLabelValue(builder, values[i]);
            builder.Append('"');
        }

        return builder.ToString();
    }

    /// <summary>Go's ParseFloat reads these: shortest round-trip digits, +Inf, -Inf, NaN.</summary>
    public static void AppendValue(StringBuilder builder, double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            builder.Append("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            builder.Append("-Inf");
        }
        else if (double.IsNaN(value))
        {
            builder.Append("NaN");
        }
        else
        {
            builder.Append(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    public static void AppendHeader(StringBuilder builder, string name, string help, string type)
    {
        // The space after the name in HELP is required by the format even when help is empty.
        builder.Append("# HELP ").Append(name).Append(' ');
        AppendEscapedHelp(builder, help);
        builder.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample line: name{labels[,extra]} value.</summary>
    public static void AppendSample(
        StringBuilder builder, string name, string labels, string? extraLabel, double value)
    {
        builder.Append(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            builder.Append('{').Append(labels);
            if (extraLabel is not null)
            {
                if (labels.Length > 0)
                {
                    builder.Append(',');
                }

                builder.Append(extraLabel);
            }

            builder.Append('}');
        }

        builder.Append(' ');
        AppendValue(builder, value);
        builder.Append('\n');
    }

    public static string LeLabel(double bound)
    {
        var builder = new StringBuilder("le=\"");
        AppendValue(builder, bound);
        return builder.Append('"').ToString();
    }
}
