using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>
/// ECK's status.version and RunningDesiredVersion condition (UpdateMinRunningVersion): the lowest version among the
/// pods' version labels; True "All nodes are running version V" once it is the desired one, False "Upgrading from L to
/// D" while older pods remain, Unknown "No running version reported" when no pod reports a parseable version.
/// </summary>
internal sealed record RunningVersion(string? Lowest, string ConditionStatus, string Message)
{
    public static RunningVersion Of(ElasticsearchResource es, IEnumerable<JsonObject> pods)
    {
        var versions = pods
            .Select(p => (string?)p["metadata"]?["labels"]?[EckNames.VersionLabel])
            .Select(v => (Text: v, Parsed: Parse(v)))
            .ToList();
        if (versions.Count == 0)
        {
            // No pod yet (first start): ECK reports nothing running; the sandbox's pods exist from the first pass on.
            return new RunningVersion(null, "Unknown", "No running version reported");
        }

        if (versions.Any(v => v.Parsed is null))
        {
            return new RunningVersion(null, "Unknown", "No running version reported");
        }

        var lowest = versions.MinBy(v => v.Parsed)!.Text!;
        var desired = Parse(es.Version);
        if (desired is null)
        {
            return new RunningVersion(lowest, "Unknown", "Error while parsing desired version: No Major.Minor.Patch elements found");
        }

        return Parse(lowest) == desired
            ? new RunningVersion(lowest, "True", $"All nodes are running version {lowest}")
            : new RunningVersion(lowest, "False", $"Upgrading from {lowest} to {es.Version}");
    }

    private static System.Version? Parse(string? text) =>
        text is not null && System.Version.TryParse(text.Split('-', '+')[0], out var version) && version.Build >= 0 ? version : null;
}
