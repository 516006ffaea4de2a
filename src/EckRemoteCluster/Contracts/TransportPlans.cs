namespace EckRemoteCluster.Contracts;

/// <summary>
/// What trusting a CA on an ECK cluster's transport interface will do, decided before anything is written:
/// the ConfigMap named by spec.transport.tls.certificateAuthorities (created, or given the missing CAs) and whether
/// the spec must point at it.
/// </summary>
internal sealed record TransportTrustPlan(
    EckCluster Cluster,
    string ConfigMapName,
    FileChange ConfigMapChange,
    string CaPem,
    bool PointSpecAtConfigMap,
    string[] RequestedFingerprints,
    string Description,
    IReadOnlyDictionary<string, string>? Annotations = null)
{
    public bool ChangesNothing => ConfigMapChange == FileChange.Unchanged && !PointSpecAtConfigMap;
}
