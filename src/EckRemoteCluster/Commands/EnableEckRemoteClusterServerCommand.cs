using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Turns on the remote cluster server (port 9443, API-key security model) of an ECK cluster.</summary>
[Cmdlet(VerbsLifecycle.Enable, "EckRemoteClusterServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EckCluster))]
public sealed class EnableEckRemoteClusterServerCommand : RemoteClusterServerSwitchCmdlet
{
    private protected override bool Enabled => true;
}
