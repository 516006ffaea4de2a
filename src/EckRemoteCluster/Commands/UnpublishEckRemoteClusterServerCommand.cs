using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Removes what Publish-EckRemoteClusterServer created; services it did not create are left alone.</summary>
[Cmdlet(VerbsData.Unpublish, "EckRemoteClusterServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UnpublishEckRemoteClusterServerCommand : UnpublishEckInterfaceCmdlet
{
    private protected override EckInterface Interface => EckInterface.RemoteClusterServer;
}
