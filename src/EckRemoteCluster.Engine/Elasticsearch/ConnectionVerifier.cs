using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>Proves a new connection works (GET /) and says who it is (GET /_security/_authenticate) before anyone uses it.</summary>
internal static class ConnectionVerifier
{
    public static async Task<ElasticsearchConnection> VerifyAsync(
        IElasticsearchClient client, string route, string[] endpoints, EckCluster? eckCluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Debug($"GET / on {client.Description}");
        var root = await client.SendAsync("GET", "/", null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(root, client, "GET /");
        var clusterName = (string?)root.Body?["cluster_name"] ?? "(unknown)";
        var version = (string?)root.Body?["version"]?["number"] ?? "(unknown)";

        reporter.Debug($"GET /_security/_authenticate on {client.Description}");
        var who = await client.SendAsync("GET", "/_security/_authenticate", null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(who, client, "GET /_security/_authenticate");
        var user = (string?)who.Body?["username"] ?? "(unknown)";
        var authenticationType = (string?)who.Body?["authentication_type"];

        reporter.Verbose($"Connected to Elasticsearch {version} cluster '{clusterName}' as '{user}' ({route}, {client.Description}).");
        return new ElasticsearchConnection(client, clusterName, (string?)root.Body?["cluster_uuid"], version, user, authenticationType, route, endpoints, eckCluster);
    }
}
