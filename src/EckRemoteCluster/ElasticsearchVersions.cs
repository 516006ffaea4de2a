using System.Globalization;

namespace EckRemoteCluster;

/// <summary>
/// Parses the version strings ECK and Elasticsearch use ("8.15.2", "9.1.0-SNAPSHOT", "3.3.0"), and compares them with
/// the releases features came in. Shared by the cmdlets and the engine.
/// </summary>
internal static class ElasticsearchVersions
{
    public static Version? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var core = text.Trim().TrimStart('v').Split('-', '+')[0];
        var parts = core.Split('.');
        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (i < parts.Length && !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return new Version(numbers[0], numbers[1], numbers[2]);
    }

    /// <summary>Whether <paramref name="text"/> is at least major.minor; an unreadable version is not.</summary>
    public static bool AtLeast(string? text, int major, int minor) =>
        Parse(text) is { } version && version >= new Version(major, minor, 0);
}
