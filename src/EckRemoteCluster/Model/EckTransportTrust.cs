namespace EckRemoteCluster;

/// <summary>
/// What Add-EckTransportTrust changed on an ECK cluster: the ConfigMap of extra transport CAs and whether the spec
/// was pointed at it. Name, Namespace, Context and KubeConfig identify the cluster, so it pipes into Publish-EckTransport.
/// </summary>
public sealed class EckTransportTrust
{
    internal EckTransportTrust(EckCluster cluster, string configMapName, FileChange configMapChange, bool specChanged, string[] sha256Fingerprint)
    {
        Name = cluster.Name;
        Namespace = cluster.Namespace;
        Context = cluster.Context;
        KubeConfig = cluster.KubeConfig;
        Phase = cluster.Phase;
        ConfigMapName = configMapName;
        ConfigMapChange = configMapChange;
        SpecChanged = specChanged;
        Sha256Fingerprint = sha256Fingerprint;
    }

    /// <summary>The ECK cluster's name.</summary>
    public string Name { get; }

    public string Namespace { get; }

    public string? Context { get; }

    public string? KubeConfig { get; }

    /// <summary>The cluster's phase when the command ended (Ready after -Wait).</summary>
    public string? Phase { get; }

    /// <summary>The ConfigMap named by spec.transport.tls.certificateAuthorities.configMapName.</summary>
    public string ConfigMapName { get; }

    public FileChange ConfigMapChange { get; }

    /// <summary>Whether spec.transport.tls.certificateAuthorities.configMapName was set by this run.</summary>
    public bool SpecChanged { get; }

    /// <summary>The CAs the cluster now trusts for transport connections (those given), SHA-256.</summary>
    public string[] Sha256Fingerprint { get; }

    public override string ToString() => $"{Namespace}/{Name}";
}
