using System.Globalization;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Parses the version strings ECK and Elasticsearch use ("8.15.2", "9.1.0-SNAPSHOT", "3.3.0").</summary>
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
}
