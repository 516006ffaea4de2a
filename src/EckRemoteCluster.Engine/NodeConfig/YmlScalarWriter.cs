using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>Renders values in YAML, keeping the quoting style a file already uses where that is safe.</summary>
internal static partial class YmlScalarWriter
{
    /// <summary>How a list is written: the file's style when it has one, else the style of the ECK documentation.</summary>
    internal sealed record FlowListStyle(bool Padded, ScalarStyle ItemStyle)
    {
        public static readonly FlowListStyle Default = new(true, ScalarStyle.DoubleQuoted);
    }

    public static string Scalar(string value, ScalarStyle preferred) => preferred switch
    {
        ScalarStyle.Plain when IsPlainSafe(value) => value,
        ScalarStyle.SingleQuoted when !value.Any(char.IsControl) => "'" + value.Replace("'", "''") + "'",
        _ => DoubleQuoted(value),
    };

    public static string FlowList(IReadOnlyList<string> items, FlowListStyle style)
    {
        if (items.Count == 0)
        {
            return "[]";
        }

        string body = string.Join(", ", items.Select(i => Scalar(i, style.ItemStyle)));
        return style.Padded ? "[ " + body + " ]" : "[" + body + "]";
    }

    /// <summary>
    /// Plain only for text every YAML 1.1 and 1.2 reader takes as that same string: no indicators, no number,
    /// boolean or null look-alikes (Elasticsearch's YAML parser would turn "on" into "true" and "010" into "8").
    /// </summary>
    public static bool IsPlainSafe(string value) =>
        value is "true" or "false"
        || PlainInteger().IsMatch(value)
        || (PlainSafe().IsMatch(value) && !YamlWords.Contains(value, StringComparer.OrdinalIgnoreCase));

    private static readonly string[] YamlWords = ["null", "true", "false", "yes", "no", "on", "off"];

    private static string DoubleQuoted(string value)
    {
        var builder = new StringBuilder("\"", value.Length + 2);
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    [GeneratedRegex(@"\A[A-Za-z_/][A-Za-z0-9_./@+\-]*\z")]
    private static partial Regex PlainSafe();

    [GeneratedRegex(@"\A(0|[1-9][0-9]{0,8})\z")]
    private static partial Regex PlainInteger();
}
