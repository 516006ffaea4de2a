using System.Text.Json.Nodes;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Reads GET /_remote/info, whose fields differ between proxy and sniff mode.</summary>
internal static class RemoteInfoParser
{
    public static IReadOnlyList<RemoteCluster> Parse(JsonNode? body, string localCluster)
    {
        if (body is not JsonObject remotes)
        {
            return [];
        }

        return remotes
            .Where(pair => pair.Value is JsonObject)
            .Select(pair => ToRemoteCluster(pair.Key, (JsonObject)pair.Value!, localCluster))
            .OrderBy(remote => remote.Alias, StringComparer.Ordinal)
            .ToList();
    }

    private static RemoteCluster ToRemoteCluster(string alias, JsonObject info, string localCluster)
    {
        var mode = (string?)info["mode"] ?? "sniff";
        var proxy = mode == "proxy";
        return new RemoteCluster(
            alias,
            (bool?)info["connected"] ?? false,
            mode,
            proxy ? (string?)info["proxy_address"] : null,
            proxy && !string.IsNullOrEmpty((string?)info["server_name"]) ? (string?)info["server_name"] : null,
            info["seeds"] is JsonArray seeds ? seeds.Select(s => (string?)s ?? string.Empty).ToArray() : [],
            (bool?)info["skip_unavailable"] ?? false,
            (int?)info[proxy ? "num_proxy_sockets_connected" : "num_nodes_connected"],
            (int?)info[proxy ? "max_proxy_socket_connections" : "max_connections_per_cluster"],
            info.ContainsKey("cluster_credentials") ? RemoteClusterSecurityModel.ApiKey : RemoteClusterSecurityModel.Certificate,
            localCluster);
    }
}
