using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sandbox.Operator;

namespace Sandbox.Control;

/// <summary>
/// GET/PUT /rollout {mode: instant|realistic, secondsPerPod?}: the speed of the operator's simulated rolling restarts.
/// PUT without mode keeps the current one; without secondsPerPod the mode's own pace applies (null resets it too).
/// </summary>
public static class RolloutRoutes
{
    public static void Map(IEndpointRouteBuilder routes, RolloutPace pace)
    {
        routes.MapGet("/rollout", () => Results.Json(Describe(pace)));
        routes.MapPut("/rollout", async (HttpContext context) =>
        {
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            }
            catch (JsonException e)
            {
                return BadRequest($"the body must be a JSON object: {e.Message}");
            }

            if (body is null)
            {
                return BadRequest("the body must be a JSON object {mode, secondsPerPod}");
            }

            var speed = pace.Speed;
            if (body.ContainsKey("mode"))
            {
                var mode = body["mode"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : body["mode"]?.ToJsonString();
                if (!RolloutPace.TryParse(mode, out speed))
                {
                    return BadRequest($"mode must be instant or realistic, not '{mode}'");
                }
            }

            TimeSpan? podRestart = null;
            if (body["secondsPerPod"] is { } seconds)
            {
                if (seconds is not JsonValue number || !number.TryGetValue<double>(out var value) || double.IsNaN(value)
                    || value < 0 || value > RolloutPace.MaxPodRestart.TotalSeconds)
                {
                    return BadRequest(string.Create(CultureInfo.InvariantCulture,
                        $"secondsPerPod must be a number from 0 to {RolloutPace.MaxPodRestart.TotalSeconds}, not {seconds.ToJsonString()}"));
                }

                podRestart = TimeSpan.FromSeconds(value);
            }

            pace.Set(speed, podRestart);
            return Results.Json(Describe(pace));
        });
    }

    private static IResult BadRequest(string message) => Results.BadRequest(new JsonObject { ["error"] = message });

    private static JsonObject Describe(RolloutPace pace) => new()
    {
        ["mode"] = pace.Speed.ToString().ToLowerInvariant(),
        ["secondsPerPod"] = pace.PodRestart.TotalSeconds,
        ["customSecondsPerPod"] = pace.HasCustomPodRestart,
    };
}
