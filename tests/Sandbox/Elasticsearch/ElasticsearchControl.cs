using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sandbox.Control;
using Sandbox.Elasticsearch.Local;
using Sandbox.Elasticsearch.Rest;

namespace Sandbox.Elasticsearch;

/// <summary>
/// The Elasticsearch side of the control API: the request log and fault injection in front of every node's REST API,
/// <c>GET /connections</c> (each node's remote connections and log), <c>GET /nodes/{name}/state</c> (running, id, start
/// time) and <c>POST /nodes/{name}/restart</c>.
/// </summary>
public static class ElasticsearchControl
{
    /// <summary>Fault targets: the node name, the cluster label ("local", "elastic/quickstart") and "elasticsearch".</summary>
    public static NodeHttpServer.PipelineHook Pipeline(ControlPlane control) => (app, node) =>
        app.Use(control.Recorder.Middleware(
            [node.Name, node.Cluster.Label, "elasticsearch"],
            context => context.Items.TryGetValue("es.user", out var user) ? user as string : null,
            RestApi.WriteFaultAsync));

    public static void MapRoutes(IEndpointRouteBuilder routes, EckElasticsearchFleet? fleet, LocalCluster? local)
    {
        IEnumerable<EsCluster> Clusters() => (local is null ? [] : new[] { local.Cluster }).Concat(fleet?.Clusters ?? []);

        routes.MapGet("/connections", () =>
        {
            var nodes = new JsonArray();
            foreach (var cluster in Clusters())
            {
                foreach (var node in cluster.Nodes)
                {
                    var remotes = new JsonObject();
                    foreach (var (alias, connection) in node.Connections.Current)
                    {
                        remotes[alias] = new JsonObject
                        {
                            ["connected"] = connection.Connected,
                            ["mode"] = connection.Config.Mode,
                            ["address"] = connection.Config.IsProxy ? connection.Config.ProxyAddress : string.Join(",", connection.Config.Seeds),
                            ["server_name"] = connection.Config.ServerName,
                            ["has_credentials"] = connection.Credentials is not null,
                            ["remote_cluster_name"] = connection.RemoteClusterName,
                            ["error"] = connection.LastError?.ToCauseJson(),
                            ["diagnostic"] = connection.Diagnostic,
                        };
                    }

                    nodes.Add(new JsonObject
                    {
                        ["cluster"] = cluster.Label,
                        ["node"] = node.Name,
                        ["running"] = node.Running,
                        ["started"] = node.StartedAt.ToString("O"),
                        ["remotes"] = remotes,
                        ["log"] = new JsonArray([.. node.LogLines.TakeLast(30).Select(l => (JsonNode)l)]),
                    });
                }
            }

            return Results.Text(new JsonObject { ["nodes"] = nodes }.ToJsonString(), "application/json");
        });

        routes.MapGet("/nodes/{name}/state", (string name) =>
        {
            var node = local?.Find(name) ?? fleet?.Clusters.SelectMany(c => c.Nodes).FirstOrDefault(n => n.Name == name);
            return node is null
                ? Results.Text(new JsonObject { ["error"] = $"no node [{name}]" }.ToJsonString(), "application/json", statusCode: 404)
                : Results.Text(new JsonObject { ["node"] = node.Name, ["id"] = node.Id, ["running"] = node.Running, ["started"] = node.StartedAt.ToString("O") }
                    .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = false }), "application/json");
        });

        routes.MapPost("/nodes/{name}/restart", async (string name, CancellationToken cancellationToken) =>
        {
            try
            {
                if (local?.Find(name) is not null)
                {
                    await local.RestartNodeAsync(name, cancellationToken);
                    await local.Find(name)!.WhenIdleAsync();
                    return Results.Text(new JsonObject { ["restarted"] = name }.ToJsonString(), "application/json");
                }

                return Results.Text(new JsonObject { ["error"] = $"no self-managed node [{name}]; ECK pods restart through the operator" }.ToJsonString(),
                    "application/json", statusCode: 404);
            }
            catch (EsException e)
            {
                return Results.Text(new JsonObject { ["error"] = Remote.RemoteConnection.Describe(e) }.ToJsonString(), "application/json", statusCode: 500);
            }
        });
    }
}
