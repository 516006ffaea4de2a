using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Turns off the remote cluster server of an ECK cluster.</summary>
[Cmdlet(VerbsLifecycle.Disable, "EckRemoteClusterServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EckCluster))]
public sealed class DisableEckRemoteClusterServerCommand : RemoteClusterServerSwitchCmdlet
{
    private protected override bool Enabled => false;
}
