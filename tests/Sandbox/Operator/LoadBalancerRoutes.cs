using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sandbox.Operator;

/// <summary>
/// Control API: GET/PUT /loadbalancers {listenDelayMs}: how long a newly published node port or load balancer address
/// refuses connections after it is written to the Service (0, the default: it listens before it is written).
/// </summary>
public static class LoadBalancerRoutes
{
    public static void Map(IEndpointRouteBuilder routes, LoadBalancerController loadBalancers)
    {
        routes.MapGet("/loadbalancers", () => Results.Json(Describe(loadBalancers)));
        routes.MapPut("/loadbalancers", async (HttpContext context) =>
        {
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new JsonObject { ["error"] = $"the body must be a JSON object: {e.Message}" });
            }

            if (body?["listenDelayMs"] is not JsonValue value || !value.TryGetValue<double>(out var ms) || double.IsNaN(ms) || ms < 0 || ms > 600_000)
            {
                return Results.BadRequest(new JsonObject { ["error"] = "the body must be {\"listenDelayMs\": a number from 0 to 600000}" });
            }

            loadBalancers.ListenDelay = TimeSpan.FromMilliseconds(ms);
            return Results.Json(Describe(loadBalancers));
        });
    }

    private static JsonObject Describe(LoadBalancerController loadBalancers) => new() { ["listenDelayMs"] = loadBalancers.ListenDelay.TotalMilliseconds };
}
