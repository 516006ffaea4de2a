using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>GET _nodes (the nodes in the cluster now, with their persistent ids and JVM start time) and POST _flush.</summary>
public static partial class RestApi
{
    /// <summary>
    /// Node filters as NodesInfoRequest resolves them (DiscoveryNodes.resolveNodes): _all, _local, ids and names,
    /// comma-separated. A stopped node has left the cluster and is not listed. The metric segment is accepted and the
    /// same sections are always returned.
    /// </summary>
    private static Task<RestResponse> NodesInfo(RestRequest request)
    {
        var cluster = request.Node.Cluster;
        var running = cluster.Nodes.Where(n => n.Running).ToList();
        var filter = request.PathParameters.GetValueOrDefault("node_id") ?? "_all";
        var selected = new List<EsNode>();
        foreach (var part in filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            selected.AddRange(part switch
            {
                "_all" => running,
                "_local" => [request.Node],
                _ => running.Where(n => n.Id == part || n.Name == part),
            });
        }

        var nodes = new JsonObject();
        foreach (var node in selected.Distinct())
        {
            nodes[node.Id] = new JsonObject
            {
                ["name"] = node.Name,
                ["transport_address"] = node.Transport.ToString(),
                ["host"] = "127.0.0.1",
                ["ip"] = "127.0.0.1",
                ["version"] = cluster.State.Version.ToString(),
                ["roles"] = new JsonArray("data", "ingest", "master", "remote_cluster_client"),
                ["attributes"] = new JsonObject(),
                ["jvm"] = new JsonObject
                {
                    ["pid"] = Environment.ProcessId,
                    ["start_time_in_millis"] = node.StartedAt.ToUnixTimeMilliseconds(),
                },
            };
        }

        return Done(new JsonObject
        {
            ["_nodes"] = new JsonObject { ["total"] = nodes.Count, ["successful"] = nodes.Count, ["failed"] = 0 },
            ["cluster_name"] = cluster.State.ClusterName,
            ["nodes"] = nodes,
        });
    }

    /// <summary>POST _flush: every shard copy on a running node answers; the sandbox holds no translog to write.</summary>
    private static Task<RestResponse> Flush(RestRequest request)
    {
        var cluster = request.Node.Cluster;
        var shards = cluster.State.Documents.IndexNames().Count * (cluster.HealthStatus() == "green" && cluster.Nodes.Count > 1 ? 2 : 1);
        return Done(new JsonObject
        {
            ["_shards"] = new JsonObject { ["total"] = shards, ["successful"] = shards, ["failed"] = 0 },
        });
    }
}
