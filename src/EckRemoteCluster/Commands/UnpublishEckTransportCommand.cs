using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Removes the spec.transport.service that Publish-EckTransport wrote, so ECK turns the transport Service back into
/// its headless one; a template the module did not write is left alone.
/// </summary>
[Cmdlet(VerbsData.Unpublish, "EckTransport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UnpublishEckTransportCommand : UnpublishEckInterfaceCmdlet
{
    private protected override EckInterface Interface => EckInterface.Transport;
}
