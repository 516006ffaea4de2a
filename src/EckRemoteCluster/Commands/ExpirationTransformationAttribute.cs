using System.Globalization;
using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Lets -Expiration take an Elasticsearch time value ('90d', '12h') or a TimeSpan, which becomes the largest whole
/// unit that represents it exactly (90 days -> '90d'). A TimeSpan that is not positive is passed on as its text, which
/// the engine's expiration rule refuses with InvalidApiKeyExpiration.
/// </summary>
internal sealed class ExpirationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value is TimeSpan span ? ToTimeValue(span) : inputData;
    }

    internal static string ToTimeValue(TimeSpan value)
    {
        var ticks = value.Ticks;
        return ticks <= 0 ? value.ToString("c", CultureInfo.InvariantCulture)
            : ticks % TimeSpan.TicksPerDay == 0 ? Unit(ticks / TimeSpan.TicksPerDay, "d")
            : ticks % TimeSpan.TicksPerHour == 0 ? Unit(ticks / TimeSpan.TicksPerHour, "h")
            : ticks % TimeSpan.TicksPerMinute == 0 ? Unit(ticks / TimeSpan.TicksPerMinute, "m")
            : ticks % TimeSpan.TicksPerSecond == 0 ? Unit(ticks / TimeSpan.TicksPerSecond, "s")
            : Unit(Math.Max(1, ticks / TimeSpan.TicksPerMillisecond), "ms");
    }

    private static string Unit(long amount, string unit) => amount.ToString(CultureInfo.InvariantCulture) + unit;
}
