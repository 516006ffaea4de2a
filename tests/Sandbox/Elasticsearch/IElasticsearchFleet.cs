using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Elasticsearch;

/// <summary>One pod of an ECK-managed cluster, with the transport certificate ECK issued to it (private key included).</summary>
public sealed record EckNodeSpec(string PodName, string StatefulSetName, X509Certificate2 TransportCertificate);

/// <summary>What the ECK operator has reconciled for one Elasticsearch resource: enough to run its nodes.</summary>
public sealed record EckClusterSpec(
    string Namespace,
    string Name,
    string Version,
    IReadOnlyList<EckNodeSpec> Nodes,
    X509Certificate2 HttpCertificate,
    X509Certificate2Collection TransportTrustedCas,
    bool RemoteClusterServerEnabled,
    string ElasticPassword);

/// <summary>Where a node really listens (always loopback); the Kubernetes API shows pod IPs that are not these.</summary>
public sealed record NodeEndpoints(string PodName, IPEndPoint Http, IPEndPoint Transport, IPEndPoint? RemoteClusterServer);

/// <summary>
/// The Elasticsearch nodes behind ECK clusters. The operator calls it as it reconciles; the load balancer controller and the
/// port-forward endpoint use <see cref="ResolvePodPort"/> to reach a pod's container port.
/// </summary>
public interface IElasticsearchFleet
{
    /// <summary>Starts the nodes of a new cluster, or applies settings that need no restart to a running one.</summary>
    Task<IReadOnlyList<NodeEndpoints>> ApplyEckClusterAsync(EckClusterSpec spec, CancellationToken cancellationToken);

    /// <summary>Stops one node and starts it again with <paramref name="spec"/> (how static settings take effect).</summary>
    Task<NodeEndpoints> RestartEckNodeAsync(EckClusterSpec spec, string podName, CancellationToken cancellationToken);

    Task RemoveEckClusterAsync(string @namespace, string name);

    /// <summary>The loopback endpoint that serves <paramref name="containerPort"/> (9200, 9300, 9443) of a pod, or null.</summary>
    IPEndPoint? ResolvePodPort(string @namespace, string podName, int containerPort);
}
