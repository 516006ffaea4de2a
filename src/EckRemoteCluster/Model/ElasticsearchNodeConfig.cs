namespace EckRemoteCluster;

/// <summary>The configuration of one self-managed Elasticsearch node, as read from its config directory.</summary>
public sealed class ElasticsearchNodeConfig
{
    public ElasticsearchNodeConfig(
        string configPath,
        string? clusterName,
        string? nodeName,
        IReadOnlyDictionary<string, string[]> settings,
        bool keystoreExists)
    {
        ConfigPath = configPath;
        ClusterName = clusterName;
        NodeName = nodeName;
        Settings = settings;
        KeystoreExists = keystoreExists;
    }

    /// <summary>The node's config directory (the folder holding elasticsearch.yml).</summary>
    public string ConfigPath { get; }

    /// <summary>The session the node was read through (-Session); null for paths.</summary>
    public System.Management.Automation.Runspaces.PSSession? Session => (Node?.Files as Remoting.SessionNodeFiles)?.Session;

    /// <summary>The node's host when read through a session.</summary>
    public string? ComputerName => Node?.Files.Location is { Length: > 0 } host ? host : null;

    internal Contracts.NodeDirectory? Node { get; init; }

    public string? ClusterName { get; }

    public string? NodeName { get; }

    /// <summary>Every setting in elasticsearch.yml by its flat key; lists keep their items, scalars are one item.</summary>
    public IReadOnlyDictionary<string, string[]> Settings { get; }

    public bool KeystoreExists { get; }

    /// <summary>Whether the node has TLS for outgoing remote-cluster (API-key model) connections; Elasticsearch's default is true.</summary>
    public bool RemoteClusterClientSslEnabled =>
        !Settings.TryGetValue("xpack.security.remote_cluster_client.ssl.enabled", out var value)
        || !string.Equals(value.FirstOrDefault(), "false", StringComparison.OrdinalIgnoreCase);

    public string[] RemoteClusterClientCertificateAuthorities =>
        Settings.TryGetValue("xpack.security.remote_cluster_client.ssl.certificate_authorities", out var value) ? value : [];

    public string[] TransportCertificateAuthorities =>
        Settings.TryGetValue("xpack.security.transport.ssl.certificate_authorities", out var value) ? value : [];

    public string? TransportTruststorePath =>
        Settings.TryGetValue("xpack.security.transport.ssl.truststore.path", out var value) ? value.FirstOrDefault() : null;

    public override string ToString() => ConfigPath;
}
