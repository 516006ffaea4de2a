namespace EckRemoteCluster.Contracts;

/// <summary>How the remote cluster server should be exposed outside Kubernetes.</summary>
internal sealed record PublishRequest(
    EckServiceType Type,
    int Port,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<string> LoadBalancerSourceRanges);

/// <summary>
/// What publishing will do, decided before anything is written so the cmdlet can ask ShouldProcess with a precise
/// description and skip the call entirely when <see cref="ChangesNothing"/>.
/// </summary>
internal sealed record PublishPlan(
    EckCluster Cluster,
    PublishRequest Request,
    PublishMechanism Mechanism,
    string ServiceName,
    bool ChangesNothing,
    string Description);

/// <summary>What unpublishing removes.</summary>
internal sealed record UnpublishPlan(EckCluster Cluster, PublishMechanism Mechanism, string ServiceName, string Description);

/// <summary>ECK 3.3+ renders the service from spec.remoteClusterServer.service; older ECK needs a Service of the module's own.</summary>
internal enum PublishMechanism
{
    ServiceTemplate,
    OwnService,
}
