using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Shared by Enable- and Disable-EckRemoteClusterServer: read, refuse what ECK would refuse, do nothing when the
/// cluster is already in the wanted state, otherwise merge-patch spec.remoteClusterServer.enabled (a rolling restart).
/// </summary>
public abstract class RemoteClusterServerSwitchCmdlet : EckClusterCmdlet
{
    /// <summary>Waits until ECK has rolled the change out to every node.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits; 20 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>-InputObject: described for users once, in docs/en-US/parameters.md.</summary>
    [Parameter(ValueFromPipeline = true)]
    public EckCluster? InputObject { get; set; }

    /// <summary>Skips the confirmation prompt (the change restarts every node of the cluster).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected abstract bool Enabled { get; }

    protected override void ProcessRecordCore()
    {
        var cluster = PipedOrReadCluster(InputObject);
        var state = Enabled ? "enabled" : "disabled";
        if (cluster.RemoteClusterServerEnabled == Enabled)
        {
            WriteVerbose($"The remote cluster server of {cluster} is already {state}; nothing to change.");
        }
        else
        {
            if (Enabled)
            {
                Engine.Eck.EnsureRemoteClusterServerSupported(cluster);
            }

            var action = $"{(Enabled ? "Enable" : "Disable")} the remote cluster server (spec.remoteClusterServer.enabled: {(Enabled ? "true" : "false")}); ECK restarts every node, one at a time";
            if (!ChangeConfirmation.ShouldChange(this, Force, $"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", action))
            {
                return;
            }

            cluster = RunWithReporting((reporter, token) => Engine.Eck.SetRemoteClusterServerAsync(cluster, Enabled, reporter, token));
        }

        if (Wait)
        {
            cluster = RunWithReporting((reporter, token) => Engine.Eck.WaitForReadyAsync(cluster, Timeout, reporter, token));
        }

        WriteObject(cluster);
    }
}
