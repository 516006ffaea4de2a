using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// Proves a new connection works (GET /) and says who it is: for a user name and password that is the user name sent,
/// since Elasticsearch answers GET / only once those authenticate (a wrong one is 401 even where anonymous access is
/// on); for an API key, GET /_security/_authenticate asks whose key it is.
/// </summary>
internal static class ConnectionVerifier
{
    /// <summary>What _authenticate reports for a user authenticated by name and password in a realm.</summary>
    private const string RealmAuthentication = "realm";

    public static async Task<ElasticsearchConnection> VerifyAsync(
        IElasticsearchClient client, string route, string[] endpoints, EckCluster? eckCluster, IOperationReporter reporter, CancellationToken cancellationToken,
        string? passwordUser = null)
    {
        reporter.Debug($"GET / on {client.Description}");
        var root = await client.SendAsync("GET", "/", null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(root, client, "GET /");
        var clusterName = (string?)root.Body?["cluster_name"] ?? "(unknown)";
        var version = (string?)root.Body?["version"]?["number"] ?? "(unknown)";

        string user;
        string? authenticationType;
        if (passwordUser is not null)
        {
            user = passwordUser;
            authenticationType = RealmAuthentication;
        }
        else
        {
            reporter.Debug($"GET /_security/_authenticate on {client.Description}");
            var who = await client.SendAsync("GET", "/_security/_authenticate", null, cancellationToken).ConfigureAwait(false);
            ElasticsearchErrors.ThrowUnlessSuccess(who, client, "GET /_security/_authenticate");
            user = (string?)who.Body?["username"] ?? "(unknown)";
            authenticationType = (string?)who.Body?["authentication_type"];
        }

        reporter.Verbose($"Connected to Elasticsearch {version} cluster '{clusterName}' as '{user}' ({route}, {client.Description}).");
        return new ElasticsearchConnection(client, clusterName, (string?)root.Body?["cluster_uuid"], version, user, authenticationType, route, endpoints, eckCluster);
    }
}
