namespace EckRemoteCluster.Contracts;

/// <summary>
/// The ECK side of the workflow: Elasticsearch resources, their remote cluster server, how it is exposed and its CA.
/// Reads and writes are separate calls so the cmdlet can decide (ShouldProcess, idempotence) between them.
/// </summary>
internal interface IEckService
{
    /// <summary>Lists clusters; <paramref name="namespaceName"/> null means the context's namespace.</summary>
    Task<IReadOnlyList<EckCluster>> ListClustersAsync(
        KubernetesTarget target, string? namespaceName, bool allNamespaces, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Reads one cluster; EckClusterNotFound or EckNotInstalled when it cannot.</summary>
    Task<EckCluster> GetClusterAsync(
        KubernetesTarget target, string? namespaceName, string name, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Throws RemoteClusterServerUnsupportedVersion when the cluster's Elasticsearch is too old for the server.</summary>
    void EnsureRemoteClusterServerSupported(EckCluster cluster);

    /// <summary>Merge-patches spec.remoteClusterServer.enabled and returns the cluster as the API server answered.</summary>
    Task<EckCluster> SetRemoteClusterServerAsync(
        EckCluster cluster, bool enabled, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Watches the cluster until phase Ready with observedGeneration at its generation, or the timeout.</summary>
    Task<EckCluster> WaitForReadyAsync(
        EckCluster cluster, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Works out what publishing the requested interface would change; nothing is written.</summary>
    Task<PublishPlan> PlanPublishAsync(
        EckCluster cluster, PublishRequest request, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Applies a plan (if it changes anything) and waits up to <paramref name="addressTimeout"/> for an address.</summary>
    Task<EckRemoteClusterEndpoint> PublishAsync(
        PublishPlan plan, TimeSpan addressTimeout, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Works out what unpublishing the interface would remove; null when nothing published by this module is left.</summary>
    Task<UnpublishPlan?> PlanUnpublishAsync(EckCluster cluster, EckInterface exposed, IOperationReporter reporter, CancellationToken cancellationToken);

    Task UnpublishAsync(UnpublishPlan plan, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>The externally reachable remote cluster server endpoints (one per exposing service); empty when not published.</summary>
    Task<IReadOnlyList<EckRemoteClusterEndpoint>> GetEndpointsAsync(
        EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken);

    Task<EckCertificateAuthority> GetTransportCaAsync(
        EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Works out what trusting <paramref name="caPem"/> for transport connections (certificate model) would change; nothing is written.</summary>
    Task<TransportTrustPlan> PlanTransportTrustAsync(EckCluster cluster, string caPem, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// The same for Sync-RemoteClusterTrust: <paramref name="caPem"/> is the local cluster's current transport CA; the
    /// CAs recorded on the ConfigMap for <paramref name="localCluster"/> by an earlier run that it no longer uses are removed.
    /// </summary>
    Task<TransportTrustPlan> PlanTransportTrustFollowingAsync(
        EckCluster cluster, string caPem, string localCluster, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Writes the ConfigMap and points spec.transport.tls.certificateAuthorities at it, as planned.</summary>
    Task<EckTransportTrust> AddTransportTrustAsync(TransportTrustPlan plan, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>The context names of the kubeconfig (for tab completion); empty when there is none.</summary>
    IReadOnlyList<string> ListContexts(string? kubeConfig);

    /// <summary>The namespaces the user may list (for tab completion).</summary>
    Task<IReadOnlyList<string>> ListNamespacesAsync(KubernetesTarget target, CancellationToken cancellationToken);
}
