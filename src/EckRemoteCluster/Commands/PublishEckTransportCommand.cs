using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Exposes an ECK cluster's transport interface (port 9300, TLS-certificate model) outside Kubernetes through
/// spec.transport.service (LoadBalancer or NodePort) and returns the endpoint the local cluster connects to.
/// A separate cmdlet from Publish-EckRemoteClusterServer because it is another interface, Service and port, and
/// needs no remote cluster server.
/// </summary>
[Cmdlet(VerbsData.Publish, "EckTransport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EckRemoteClusterEndpoint))]
public sealed class PublishEckTransportCommand : PublishEckInterfaceCmdlet
{
    public PublishEckTransportCommand()
        : base(9300)
    {
    }

    private protected override EckInterface Interface => EckInterface.Transport;
}
