using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sandbox.Kubernetes;

/// <summary>
/// Control API: GET /kubernetes/status-changes?kind=&amp;namespace=&amp;name= lists the status writes the store committed
/// (oldest first, the last 5000), each with the time it became visible to watches. A client that waits for a status
/// compares the time it saw it with this one (the bench's Wait-EckCluster latency).
/// </summary>
public static class StatusChangeRoutes
{
    public static void Map(IEndpointRouteBuilder routes, ResourceStore store) =>
        routes.MapGet("/kubernetes/status-changes", (string? kind, string? @namespace, string? name) =>
            Results.Json(new JsonArray([.. store.StatusChanges(kind, @namespace, name).Select(c => (JsonNode)c.ToJson())])));
}
