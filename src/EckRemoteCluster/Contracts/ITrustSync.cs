using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>What Sync-RemoteClusterTrust asks for: the local cluster and alias, the ECK cluster the alias points to, the nodes.</summary>
internal sealed record TrustSyncRequest(
    ElasticsearchConnection Local,
    string Alias,
    EckCluster Cluster,
    IReadOnlyList<NodeDirectory> Nodes,
    SecureString? KeystorePassword,
    TimeSpan VerifyTimeout);

/// <summary>Per node, what happened to its CA file; for the certificate model also the ECK side (null otherwise, or when nothing was to change).</summary>
internal sealed record TrustSyncOutcome(IReadOnlyList<RemoteClusterTrustSync> Nodes, EckTransportTrust? EckTrust);

/// <summary>
/// Keeps the local nodes' CA file for a remote in step with the ECK cluster's transport CA across a rotation, in two
/// moves that each keep every connection working: the new CA is added next to the old one; the old one is dropped only
/// once the remote serves a chain the new CA alone trusts and the remote answers a fresh check. A run that cannot prove
/// that yet keeps the old CA and says why, so calling it periodically converges. For the certificate model the other
/// direction follows too: the CA the local nodes' transport certificates chain to is added to the ECK cluster's trust
/// (the ConfigMap of spec.transport.tls.certificateAuthorities, through Add-EckTransportTrust's writer).
/// </summary>
internal interface ITrustSync
{
    /// <summary>
    /// One result per node, and for the certificate model what the ECK cluster's trust of the local transport CA became;
    /// null when a confirmation said no before anything was written.
    /// </summary>
    Task<TrustSyncOutcome?> SyncAsync(
        TrustSyncRequest request, IChangeConfirmation confirmation, IOperationReporter reporter, CancellationToken cancellationToken);
}
