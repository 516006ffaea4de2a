using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Reports the day-2 health of each remote cluster connection: whether it connects now, when its API key and the CAs
/// it rests on expire, which nodes lost or changed their credential or drifted from ECK's transport CA, and for each
/// finding the evidence and the cmdlet that fixes it. Reads only; -FailOn turns findings into a terminating error for
/// runbooks.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RemoteClusterHealth")]
[OutputType(typeof(RemoteClusterHealth))]
public sealed class GetRemoteClusterHealthCommand : RemoteClusterHealthCmdlet
{
    /// <summary>
    /// After writing every result, end with the terminating error RemoteClusterUnhealthy when any remote's Status is
    /// this or worse (Warning: Warning or Error; Error: Error only). The error lists the findings and their fixes.
    /// </summary>
    [Parameter]
    [ValidateSet(RemoteClusterHealthStatus.Warning, RemoteClusterHealthStatus.Error)]
    public string? FailOn { get; set; }

    private readonly List<RemoteClusterHealth> _results = [];

    private protected override void ProcessNodes(NodeSelection nodes)
    {
        var thresholds = ValidateInput();
        var aliases = RegisteredAliases(terminating: false);
        if (aliases.Count == 0)
        {
            return;
        }

        var request = BuildRequest(thresholds, nodes);
        var results = RunWithReporting((reporter, token) => Engine.RemoteClusterHealth.CheckAsync(request, aliases, reporter, token));
        _results.AddRange(results);
        WriteObject(results, enumerateCollection: true);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (FailOn is null)
        {
            return;
        }

        var failing = _results.Where(r => RemoteClusterHealthStatus.Rank(r.Status) >= RemoteClusterHealthStatus.Rank(FailOn)).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        var summary = string.Join("; ", failing.Select(r =>
            $"{r.Alias} is {r.Status}: " + string.Join(", ", r.Findings.Select(f => $"{f.Code} ({f.Severity}, fix with {f.FixedBy}): {f.Evidence}"))));
        var actions = string.Join(Environment.NewLine, failing.SelectMany(r => r.Findings.Select(f => $"{r.Alias}: {f.RecommendedAction}")).Distinct(StringComparer.Ordinal));
        ThrowTerminatingError(ErrorRecords.Create(
            new InvalidOperationException($"{failing.Count} of {_results.Count} remote cluster(s) at or above {FailOn}: {summary}"),
            ErrorIds.RemoteClusterUnhealthy,
            ErrorCategory.InvalidResult,
            failing.Select(r => r.Alias).ToArray(),
            actions));
    }
}
