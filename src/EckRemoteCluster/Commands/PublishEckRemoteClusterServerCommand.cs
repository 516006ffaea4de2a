using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Exposes an ECK cluster's remote cluster server outside Kubernetes (LoadBalancer or NodePort) and returns the
/// endpoint the local cluster connects to. ECK 3.3+: spec.remoteClusterServer.service; older: a Service of its own.
/// </summary>
[Cmdlet(VerbsData.Publish, "EckRemoteClusterServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EckRemoteClusterEndpoint))]
public sealed class PublishEckRemoteClusterServerCommand : PublishEckInterfaceCmdlet
{
    public PublishEckRemoteClusterServerCommand()
        : base(9443)
    {
    }

    private protected override EckInterface Interface => EckInterface.RemoteClusterServer;
}
