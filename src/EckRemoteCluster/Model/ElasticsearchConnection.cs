using EckRemoteCluster.Contracts;

namespace EckRemoteCluster;

/// <summary>
/// A verified connection to an Elasticsearch cluster (checked with GET / and _authenticate when it was opened).
/// Pass it to -Connection of the cmdlets that talk to Elasticsearch. It holds no secret you can read back.
/// </summary>
public sealed class ElasticsearchConnection
{
    internal ElasticsearchConnection(
        IElasticsearchClient client,
        string clusterName,
        string? clusterUuid,
        string version,
        string user,
        string? authenticationType,
        string route,
        string[] endpoints,
        EckCluster? eckCluster)
    {
        Client = client;
        ClusterName = clusterName;
        ClusterUuid = clusterUuid;
        Version = version;
        User = user;
        AuthenticationType = authenticationType;
        Route = route;
        Endpoints = endpoints;
        EckCluster = eckCluster;
    }

    public string ClusterName { get; }

    public string? ClusterUuid { get; }

    /// <summary>version.number from GET /.</summary>
    public string Version { get; }

    /// <summary>The authenticated user (for an API key, the key's owner).</summary>
    public string User { get; }

    /// <summary>authentication_type from _authenticate: realm, api_key, token…</summary>
    public string? AuthenticationType { get; }

    /// <summary>Direct, LoadBalancer or PortForward.</summary>
    public string Route { get; }

    /// <summary>The URIs requests go to (for PortForward, the service the forwarded pods belong to).</summary>
    public string[] Endpoints { get; }

    /// <summary>The ECK cluster this connection reaches, when it was opened with -EckCluster.</summary>
    public EckCluster? EckCluster { get; }

    /// <summary>The engine-side connection; internal so that only this module's cmdlets can send requests through it.</summary>
    internal IElasticsearchClient Client { get; }

    public override string ToString() => $"{ClusterName} ({User} via {Route})";
}
