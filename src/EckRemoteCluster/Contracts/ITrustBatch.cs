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
/// all or none.
/// </summary>
internal interface ITrustBatch
{
    IReadOnlyList<RemoteClusterTrustResult> Plan { get; }

    /// <summary>Writes every changed file atomically with a backup; on a failure restores what it wrote.</summary>
    IReadOnlyList<RemoteClusterTrustResult> Save();
}
