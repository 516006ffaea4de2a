using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Reads where a LoadBalancer or NodePort Service can be reached from outside the Kubernetes cluster.</summary>
internal static class ServiceEndpoints
{
    /// <summary>The service's external address and port for the remote cluster server, or null while it has none yet.</summary>
    public static async Task<(string Address, int Port)?> ExternalAddressAsync(
        KubernetesSession session, V1Service service, CancellationToken cancellationToken)
    {
        var port = service.Spec?.Ports?.FirstOrDefault(p => p.Name == EckNames.RemoteClusterPortName)
            ?? service.Spec?.Ports?.FirstOrDefault(p => p.TargetPort?.Value == EckNames.RemoteClusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? service.Spec?.Ports?.FirstOrDefault();
        if (port is null)
        {
            return null;
        }

        switch (service.Spec?.Type)
        {
            case "LoadBalancer":
                var ingress = service.Status?.LoadBalancer?.Ingress?.FirstOrDefault();
                var address = ingress?.Ip ?? ingress?.Hostname;
                return address is null ? null : (address, port.Port);
            case "NodePort":
                if (port.NodePort is not int nodePort)
                {
                    return null;
                }

                return (await NodeAddressAsync(session, cancellationToken).ConfigureAwait(false), nodePort);
            default:
                return null;
        }
    }

    /// <summary>
    /// A node address for NodePort: ExternalIP, else InternalIP, of the first Ready node. Listing nodes needs a
    /// cluster-wide permission many users lack; the API server's host is the best remaining guess then.
    /// </summary>
    private static async Task<string> NodeAddressAsync(KubernetesSession session, CancellationToken cancellationToken)
    {
        try
        {
            var nodes = await session.Client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var addresses = nodes.Items.SelectMany(n => n.Status?.Addresses ?? []).ToList();
            var chosen = addresses.FirstOrDefault(a => a.Type == "ExternalIP") ?? addresses.FirstOrDefault(a => a.Type == "InternalIP");
            if (chosen is not null)
            {
                return chosen.Address;
            }
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // Fall through to the API server's host.
        }

        return session.Client.BaseUri.Host;
    }
}
