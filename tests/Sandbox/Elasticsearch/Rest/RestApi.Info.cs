using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>GET / and HEAD /, _cluster/health, _security/_authenticate.</summary>
public static partial class RestApi
{
    private static Task<RestResponse> Info(RestRequest request)
    {
        var node = request.Node;
        var state = node.Cluster.State;
        var version = state.Version;
        return Done(new JsonObject
        {
            ["name"] = node.Name,
            ["cluster_name"] = state.ClusterName,
            ["cluster_uuid"] = state.ClusterUuid,
            ["version"] = new JsonObject
            {
                ["number"] = version.ToString(),
                ["build_flavor"] = "default",
                ["build_type"] = node.Config.ConfigDir is null ? "docker" : "tar",
                ["build_hash"] = BuildHash(version),
                ["build_date"] = "2025-07-17T22:07:42.066855486Z",
                ["build_snapshot"] = false,
                ["lucene_version"] = version.LuceneVersion,
                ["minimum_wire_compatibility_version"] = version.MinimumWireCompatibilityVersion,
                ["minimum_index_compatibility_version"] = version.MinimumIndexCompatibilityVersion,
            },
            ["tagline"] = "You Know, for Search",
        });
    }

    /// <summary>A stable 40-hex build hash per version, as a real build has one.</summary>
    private static string BuildHash(EsVersion version) =>
        Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes("es-" + version))).ToLowerInvariant();

    /// <summary>
    /// GET _cluster/health with <c>wait_for_status</c> and <c>timeout</c> (default 30s): waits until the status is at
    /// least as good as asked; when the time runs out the answer is 408 with <c>timed_out: true</c>, as in Elasticsearch.
    /// </summary>
    private static async Task<RestResponse> ClusterHealth(RestRequest request)
    {
        var cluster = request.Node.Cluster;
        var wanted = request.QueryValue("wait_for_status");
        if (wanted is not null && HealthRank(wanted) < 0)
        {
            throw EsException.IllegalArgument($"unknown cluster health status [{wanted}]");
        }

        var timeout = request.QueryValue("timeout") is { } t ? TimeValues.Parse(t, "timeout") : TimeSpan.FromSeconds(30);
        var deadline = DateTimeOffset.UtcNow + timeout;
        var status = cluster.HealthStatus();
        while (wanted is not null && HealthRank(status) > HealthRank(wanted) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
            status = cluster.HealthStatus();
        }

        var timedOut = wanted is not null && HealthRank(status) > HealthRank(wanted);
        var nodes = cluster.Nodes.Count(n => n.Running);
        var indices = cluster.State.Documents.IndexNames().Count;
        var unassigned = status == "green" ? 0 : indices;
        return new RestResponse(timedOut ? 408 : 200, new JsonObject
        {
            ["cluster_name"] = cluster.State.ClusterName,
            ["status"] = status,
            ["timed_out"] = timedOut,
            ["number_of_nodes"] = nodes,
            ["number_of_data_nodes"] = nodes,
            ["active_primary_shards"] = indices,
            ["active_shards"] = indices,
            ["relocating_shards"] = 0,
            ["initializing_shards"] = 0,
            ["unassigned_shards"] = unassigned,
            ["unassigned_primary_shards"] = 0,
            ["delayed_unassigned_shards"] = 0,
            ["number_of_pending_tasks"] = 0,
            ["number_of_in_flight_fetch"] = 0,
            ["task_max_waiting_in_queue_millis"] = 0,
            ["active_shards_percent_as_number"] = indices + unassigned == 0 ? 100.0 : 100.0 * indices / (indices + unassigned),
        });
    }

    private static int HealthRank(string status) => status switch
    {
        "green" => 0,
        "yellow" => 1,
        "red" => 2,
        _ => -1,
    };

    private static Task<RestResponse> Authenticate(RestRequest request)
    {
        var p = request.Principal;
        var body = new JsonObject
        {
            ["username"] = p.Username,
            ["roles"] = new JsonArray([.. p.Roles.Select(r => (JsonNode)r)]),
            ["full_name"] = null,
            ["email"] = null,
            ["metadata"] = p.IsApiKey ? new JsonObject() : new JsonObject { ["_reserved"] = true },
            ["enabled"] = true,
        };
        if (!p.IsApiKey && p.RealmType == "native" && request.Node.Cluster.State.Users.Find(p.Username) is { } user)
        {
            body["full_name"] = user.FullName;
            body["email"] = user.Email;
            body["metadata"] = user.Metadata.DeepClone();
        }
        if (p.ApiKey is { } key)
        {
            body["roles"] = new JsonArray();
            body["authentication_realm"] = new JsonObject { ["name"] = "_es_api_key", ["type"] = "_es_api_key" };
            body["lookup_realm"] = new JsonObject { ["name"] = "_es_api_key", ["type"] = "_es_api_key" };
            body["authentication_type"] = "api_key";
            body["api_key"] = new JsonObject { ["id"] = key.Id, ["name"] = key.Name };
        }
        else
        {
            body["authentication_realm"] = new JsonObject { ["name"] = p.RealmName, ["type"] = p.RealmType };
            body["lookup_realm"] = new JsonObject { ["name"] = p.RealmName, ["type"] = p.RealmType };
            body["authentication_type"] = "realm";
        }

        return Done(body);
    }
}
