using System.Globalization;
using System.Text.RegularExpressions;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>Elasticsearch time values ("1d", "12h", "30m", "10s", "500ms").</summary>
public static partial class TimeValues
{
    [GeneratedRegex(@"^\s*(\d+)\s*(nanos|micros|ms|s|m|h|d)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static TimeSpan Parse(string text, string settingName)
    {
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            throw new EsException(400, "parse_exception",
                $"failed to parse setting [{settingName}] with value [{text}] as a time value: unit is missing or unrecognized");
        }

        var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(amount),
            "h" => TimeSpan.FromHours(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "ms" => TimeSpan.FromMilliseconds(amount),
            "micros" => TimeSpan.FromMicroseconds(amount),
            _ => TimeSpan.FromTicks(amount / 100),
        };
    }
}
