using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Checks the remote clusters' health every -Interval (the checks of Get-RemoteClusterHealth) and writes an object
/// each time an alias's state changes: connected or not, its status, its findings, its drifted nodes. The first check
/// writes every alias. Runs until Ctrl+C, which ends it at once, also between checks.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "RemoteCluster")]
[OutputType(typeof(RemoteClusterHealthChange))]
public sealed class WatchRemoteClusterCommand : RemoteClusterHealthCmdlet
{
    /// <summary>How long to wait between checks (a TimeSpan, e.g. '00:00:30' or (New-TimeSpan -Minutes 5)).</summary>
    [Parameter]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    private protected override void ProcessNodes(NodeSelection nodes)
    {
        // A bare number converts to a TimeSpan of that many ticks; an interval under a second is such a mistake.
        if (Interval < TimeSpan.FromSeconds(1))
        {
            ThrowTerminating(new EckRemoteClusterException(
                ErrorIds.InvalidWatchInterval,
                EckErrorCategory.InvalidArgument,
                $"-Interval {Interval} is not a time to wait between checks: it must be at least one second (a bare number is read as ticks).",
                "Give -Interval as a positive TimeSpan, for example -Interval '00:01:00' for a check every minute.",
                Interval));
        }

        var thresholds = ValidateInput();
        IReadOnlyList<string>? aliases = Alias is null ? null : RegisteredAliases(terminating: true);
        var request = BuildRequest(thresholds, nodes);
        RunWithReporting(async (reporter, token) =>
        {
            await Engine.RemoteClusterHealth.WatchAsync(request, aliases, Interval, change => OnPipelineThread(() => WriteObject(change)), reporter, token)
                .ConfigureAwait(false);
            return true;
        });
    }
}
