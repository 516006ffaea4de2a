namespace EckRemoteCluster;

/// <summary>
/// An Elasticsearch cluster managed by ECK, as its custom resource describes it. Name, Namespace, Context and
/// KubeConfig bind by property name to every cmdlet that works on an ECK cluster.
/// </summary>
public sealed class EckCluster
{
    internal EckCluster(
        string name,
        string namespaceName,
        string? version,
        string? health,
        string? phase,
        int availableNodes,
        bool remoteClusterServerEnabled,
        string? context,
        string? kubeConfig,
        long generation,
        long observedGeneration,
        string? resourceVersion)
    {
        Name = name;
        Namespace = namespaceName;
        Version = version;
        Health = health;
        // Right after a change (Enable-/Disable-EckRemoteClusterServer without -Wait) status.phase still says what it
        // said about the previous spec; ECK has not looked at the new one yet, so the phase is that of a pending change.
        Phase = observedGeneration > 0 && observedGeneration < generation && phase is not null ? PendingPhase : phase;
        AvailableNodes = availableNodes;
        RemoteClusterServerEnabled = remoteClusterServerEnabled;
        Context = context;
        KubeConfig = kubeConfig;
        Generation = generation;
        ObservedGeneration = observedGeneration;
        ResourceVersion = resourceVersion;
    }

    /// <summary>ECK's phase for a cluster whose new spec it is still rolling out.</summary>
    public const string PendingPhase = "ApplyingChanges";

    public string Name { get; }

    public string Namespace { get; }

    /// <summary>spec.version: the Elasticsearch version the cluster runs or is moving to.</summary>
    public string? Version { get; }

    /// <summary>green, yellow, red or unknown.</summary>
    public string? Health { get; }

    /// <summary>Ready, ApplyingChanges, MigratingData, Stalled or Invalid.</summary>
    public string? Phase { get; }

    public int AvailableNodes { get; }

    public bool RemoteClusterServerEnabled { get; }

    /// <summary>The kubeconfig context the cluster was read through; null inside a pod (in-cluster configuration).</summary>
    public string? Context { get; }

    /// <summary>The kubeconfig path list it was read through; null for the default (KUBECONFIG, ~/.kube/config).</summary>
    public string? KubeConfig { get; }

    public long Generation { get; }

    public long ObservedGeneration { get; }

    /// <summary>Whether ECK has reconciled the latest spec and the cluster is Ready.</summary>
    public bool IsReady => Phase == "Ready" && ObservedGeneration >= Generation;

    internal string? ResourceVersion { get; }

    /// <summary>
    /// spec.&lt;field&gt;.service as read (JSON text), by field (remoteClusterServer, transport), for the fields that
    /// have one: a Publish- cmdlet given this object plans from it instead of reading the resource again.
    /// </summary>
    internal IReadOnlyDictionary<string, string> SpecServiceTemplates { get; init; } = new Dictionary<string, string>();

    public override string ToString() => $"{Namespace}/{Name}";
}
