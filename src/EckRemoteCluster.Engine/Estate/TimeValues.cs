using System.Globalization;
using System.Text.RegularExpressions;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// Durations in the estate file, written as Elasticsearch time values (a whole number and d, h, m or s: 90d, 36h),
/// the same units API key expirations take, so a value goes to Elasticsearch as written.
/// </summary>
internal static partial class TimeValues
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        var unit = match.Groups[2].Value switch
        {
            "d" => TimeSpan.TicksPerDay,
            "h" => TimeSpan.TicksPerHour,
            "m" => TimeSpan.TicksPerMinute,
            _ => TimeSpan.TicksPerSecond,
        };
        if (amount > TimeSpan.MaxValue.Ticks / unit)
        {
            return false;
        }

        value = TimeSpan.FromTicks(amount * unit);
        return true;
    }

    /// <summary>The largest whole unit that says it exactly: 90 days is 90d, 36 hours 36h.</summary>
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        return ticks % TimeSpan.TicksPerDay == 0 ? Unit(ticks / TimeSpan.TicksPerDay, "d")
            : ticks % TimeSpan.TicksPerHour == 0 ? Unit(ticks / TimeSpan.TicksPerHour, "h")
            : ticks % TimeSpan.TicksPerMinute == 0 ? Unit(ticks / TimeSpan.TicksPerMinute, "m")
            : Unit(Math.Max(1, (long)Math.Round((double)ticks / TimeSpan.TicksPerSecond)), "s");
    }

    private static string Unit(long amount, string unit) => amount.ToString(CultureInfo.InvariantCulture) + unit;

    [GeneratedRegex(@"\A([0-9]+)(d|h|m|s)\z")]
    private static partial Regex Pattern();
}
