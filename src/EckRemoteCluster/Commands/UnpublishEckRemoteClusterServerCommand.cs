using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Removes what Publish-EckRemoteClusterServer created; services it did not create are left alone.</summary>
[Cmdlet(VerbsData.Unpublish, "EckRemoteClusterServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UnpublishEckRemoteClusterServerCommand : EckClusterCmdlet
{
    protected override void ProcessRecordCore()
    {
        var cluster = ReadCluster();
        var plan = RunWithReporting((reporter, token) => Engine.Eck.PlanUnpublishAsync(cluster, reporter, token));
        if (plan is null)
        {
            WriteVerbose($"Nothing published by this module for {cluster}; nothing to remove.");
            return;
        }

        if (ShouldProcess($"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", plan.Description))
        {
            RunWithReporting(async (reporter, token) =>
            {
                await Engine.Eck.UnpublishAsync(plan, reporter, token).ConfigureAwait(false);
                return true;
            });
        }
    }
}
