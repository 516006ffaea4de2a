namespace EckRemoteCluster.Contracts;

/// <summary>Which connections of the local nodes a CA is trusted for.</summary>
internal enum TrustScope
{
    /// <summary>API-key model: xpack.security.remote_cluster_client.ssl.*, CA file remote-cluster-ca.crt.</summary>
    RemoteClusterClient,

    /// <summary>Certificate model: xpack.security.transport.ssl.certificate_authorities.</summary>
    Transport,
}

/// <summary>
/// The planned trust change on several nodes, computed (and every file parsed) before anything is written; saved
/// all or none. Every node is locked from planning to Dispose, so the plan is what Save writes over.
/// </summary>
internal interface ITrustBatch : IDisposable
{
    IReadOnlyList<RemoteClusterTrustResult> Plan { get; }

    /// <summary>What settling an interrupted earlier run did when the batch was opened (one line per batch).</summary>
    IReadOnlyList<string> Recovered { get; }

    /// <summary>
    /// Writes every changed file, all or none across the nodes (journaled; see INodeFiles for the file semantics),
    /// each with a backup; <paramref name="operation"/> names the change in the journal.
    /// </summary>
    IReadOnlyList<RemoteClusterTrustResult> Save(string operation);
}
