using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Waits, through a watch, until ECK has reconciled the cluster's latest spec and it is Ready.</summary>
[Cmdlet(VerbsLifecycle.Wait, "EckCluster")]
[OutputType(typeof(EckCluster))]
public sealed class WaitEckClusterCommand : EckClusterCmdlet
{
    /// <summary>How long to wait; 20 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    protected override void ProcessRecordCore()
    {
        var cluster = ReadCluster();
        WriteObject(RunWithReporting((reporter, token) => Engine.Eck.WaitForReadyAsync(cluster, Timeout, reporter, token)));
    }
}
