using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sandbox.Operator;

namespace Sandbox.Control;

/// <summary>GET/PUT /rollout {mode: instant|realistic}: the speed of the operator's simulated rolling restarts.</summary>
public static class RolloutRoutes
{
    public static void Map(IEndpointRouteBuilder routes, RolloutPace pace)
    {
        routes.MapGet("/rollout", () => Results.Json(Describe(pace)));
        routes.MapPut("/rollout", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            var mode = body?["mode"]?.GetValue<string>();
            if (!RolloutPace.TryParse(mode, out var speed))
            {
                return Results.BadRequest(new JsonObject { ["error"] = $"mode must be instant or realistic, not '{mode}'" });
            }

            pace.Speed = speed;
            return Results.Json(Describe(pace));
        });
    }

    private static JsonObject Describe(RolloutPace pace) => new()
    {
        ["mode"] = pace.Speed.ToString().ToLowerInvariant(),
        ["secondsPerPod"] = pace.PodRestart.TotalSeconds,
    };
}
