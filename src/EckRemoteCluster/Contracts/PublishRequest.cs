namespace EckRemoteCluster.Contracts;

/// <summary>Which interface of an ECK cluster should be exposed outside Kubernetes, and how.</summary>
internal sealed record PublishRequest(
    EckInterface Interface,
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
internal sealed record UnpublishPlan(EckCluster Cluster, EckInterface Interface, PublishMechanism Mechanism, string ServiceName, string Description);

/// <summary>
/// ECK renders the service from spec.&lt;interface&gt;.service (for the remote cluster server only since 3.3); the remote
/// cluster server of an older ECK needs a Service of the module's own.
/// </summary>
internal enum PublishMechanism
{
    ServiceTemplate,
    OwnService,
}
