namespace Sandbox.Elasticsearch.Remote;

/// <summary>Transport action names as Elasticsearch uses them (they appear in its error messages).</summary>
public static class TransportActions
{
    public const string TcpHandshake = "internal:tcp/handshake";
    public const string RemoteClusterHandshake = "cluster:internal/remote_cluster/handshake";
    public const string Search = "indices:data/read/search";
    public const string ResolveCluster = "indices:admin/resolve/cluster";
    public const string ClusterState = "cluster:monitor/state";
}
