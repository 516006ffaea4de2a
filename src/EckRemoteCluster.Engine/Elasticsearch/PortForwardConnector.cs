using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// Opens each HTTP connection to an ECK cluster as a port-forward to one of its Ready pods through the Kubernetes API
/// (what kubectl port-forward does, without a local listener). A port-forward reaches one pod and ends with it, so pods
/// are chosen afresh per connection, among the Ready ones only (as ECK's HTTP Service would): a rolling restart costs
/// only the connections to the pod that goes away, and <see cref="WaitForReadyPodAsync"/> lets a request that found
/// no Ready pod wait for one before it is sent again.
/// </summary>
internal sealed class PortForwardConnector
{
    private const string Subprotocol = "v4.channel.k8s.io";

    private readonly KubernetesSession _session;
    private readonly EckCluster _cluster;
    private readonly int _port;
    private readonly ReadyPods _pods;

    public PortForwardConnector(KubernetesSession session, EckCluster cluster, int port)
    {
        _session = session;
        _cluster = cluster;
        _port = port;
        _pods = new ReadyPods(cluster, ListPodsAsync);
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var pod = await _pods.PickAsync(cancellationToken).ConfigureAwait(false);
        var socket = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("create", "pods/portforward", _cluster.Namespace, pod, _session),
            () => _session.Client.WebSocketNamespacedPodPortForwardAsync(pod, _cluster.Namespace, [_port], Subprotocol, cancellationToken: cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return new PortForwardStream(socket, $"pod {_cluster.Namespace}/{pod} port {_port}");
    }

    /// <summary>Before a request is sent again: returns once a pod is Ready (EckClusterNoReadyPod after the timeout).</summary>
    public Task WaitForReadyPodAsync(CancellationToken cancellationToken) => _pods.WaitForReadyAsync(cancellationToken);

    /// <summary>The cluster's pods, read as the few fields a pick needs (<see cref="PodStates"/>).</summary>
    private Task<IReadOnlyList<PodState>> ListPodsAsync(CancellationToken cancellationToken) =>
        PodStates.ListAsync(_session, _cluster.Namespace, EckNames.ClusterSelector(_cluster.Name), cancellationToken);
}
