using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// Opens each HTTP connection to an ECK cluster as a port-forward to one of its Ready pods through the Kubernetes API
/// (what kubectl port-forward does, without a local listener). Pods are chosen afresh per connection, so a rolling
/// restart only costs the connections to the pod that goes away.
/// </summary>
internal sealed class PortForwardConnector(KubernetesSession session, EckCluster cluster, int port)
{
    private const string Subprotocol = "v4.channel.k8s.io";
    private int _next;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var pod = await PickPodAsync(cancellationToken).ConfigureAwait(false);
        var socket = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("create", "pods/portforward", cluster.Namespace, pod, session),
            () => session.Client.WebSocketNamespacedPodPortForwardAsync(pod, cluster.Namespace, [port], Subprotocol, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        return new PortForwardStream(socket, $"pod {cluster.Namespace}/{pod} port {port}");
    }

    private async Task<string> PickPodAsync(CancellationToken cancellationToken)
    {
        var pods = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("list", "pods", cluster.Namespace, null, session),
            () => session.Client.CoreV1.ListNamespacedPodAsync(cluster.Namespace, labelSelector: EckNames.ClusterSelector(cluster.Name), cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        var ready = pods.Items.Where(IsReady).Select(p => p.Metadata.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (ready.Count == 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.EckClusterNoReadyPod,
                EckErrorCategory.ResourceUnavailable,
                $"No pod of {cluster} is Ready to forward a connection to ({pods.Items.Count} pods found).",
                "Wait for the cluster (Wait-EckCluster) and try again; 'kubectl get pods -n " + cluster.Namespace + " -l " + EckNames.ClusterNameLabel + "=" + cluster.Name + "' shows why.",
                cluster);
        }

        return ready[(int)((uint)Interlocked.Increment(ref _next) % ready.Count)];
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Phase == "Running"
        && pod.Metadata?.DeletionTimestamp is null
        && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
