namespace EckRemoteCluster;

/// <summary>How the local cluster authenticates to a remote one.</summary>
public enum RemoteClusterSecurityModel
{
    /// <summary>A cross-cluster API key in the keystore, to the remote cluster server (port 9443).</summary>
    ApiKey,

    /// <summary>Mutual TLS over the transport interface (port 9300); deprecated in Elasticsearch 9.0.</summary>
    Certificate,
}

/// <summary>A remote cluster registered on the local cluster, as GET /_remote/info reports it.</summary>
public sealed class RemoteCluster(
    string alias,
    bool connected,
    string mode,
    string? proxyAddress,
    string? serverName,
    string[] seeds,
    bool skipUnavailable,
    int? connectionsOpen,
    int? connectionsMax,
    RemoteClusterSecurityModel securityModel,
    string localCluster)
{
    public string Alias { get; } = alias;

    /// <summary>Whether the local cluster holds open connections to the remote right now.</summary>
    public bool Connected { get; } = connected;

    /// <summary>proxy or sniff.</summary>
    public string Mode { get; } = mode;

    public string? ProxyAddress { get; } = proxyAddress;

    /// <summary>The TLS server name (SNI) sent to the proxy address; null when unset.</summary>
    public string? ServerName { get; } = serverName;

    /// <summary>Sniff mode's seed nodes.</summary>
    public string[] Seeds { get; } = seeds;

    public bool SkipUnavailable { get; } = skipUnavailable;

    /// <summary>Proxy sockets (proxy mode) or nodes (sniff mode) connected.</summary>
    public int? ConnectionsOpen { get; } = connectionsOpen;

    public int? ConnectionsMax { get; } = connectionsMax;

    public RemoteClusterSecurityModel SecurityModel { get; } = securityModel;

    /// <summary>The local cluster's name.</summary>
    public string LocalCluster { get; } = localCluster;

    /// <summary>
    /// The same registration with the connection state of a fresh check: _remote/info reports the local cluster's
    /// cached state, which can lag behind a connection that was just verified.
    /// </summary>
    internal RemoteCluster WithVerifiedConnection(bool connected) =>
        new(Alias, connected, Mode, ProxyAddress, ServerName, Seeds, SkipUnavailable, ConnectionsOpen, ConnectionsMax, SecurityModel, LocalCluster);

    public override string ToString() => Alias;
}
