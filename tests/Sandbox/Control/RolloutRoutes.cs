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
/// /rollout/holds: breakpoints in the rolls (<see cref="RolloutHolds"/>): POST {namespace?, name?, pod?, at:
/// podDeletion|podReady} arms one, POST /rollout/holds/wait?namespace=&amp;name=&amp;at=&amp;timeoutSeconds=60 answers
/// {namespace, name, pod, at, since} once a roll is paused at one (504 at the timeout), GET lists them, DELETE disarms
/// every hold and lets the paused rolls go on.
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

        routes.MapGet("/rollout/holds", () => Results.Json(pace.Holds.Describe()));
        routes.MapPost("/rollout/holds", async (HttpContext context) =>
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

            var at = body?["at"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (body is null || !RolloutHolds.TryParseStep(at, out var step))
            {
                return BadRequest($"the body must be a JSON object {{namespace?, name?, pod?, at}} with at podDeletion or podReady, not '{at}'");
            }

            pace.Holds.Arm(Text(body["namespace"]), Text(body["name"]), Text(body["pod"]), step);
            return Results.Json(pace.Holds.Describe());
        });
        routes.MapPost("/rollout/holds/wait", async (HttpContext context) =>
        {
            var query = context.Request.Query;
            RolloutStep? step = null;
            if (query["at"] is { Count: > 0 } at)
            {
                if (!RolloutHolds.TryParseStep(at.ToString(), out var parsed))
                {
                    return BadRequest($"at must be podDeletion or podReady, not '{at}'");
                }

                step = parsed;
            }

            var timeout = TimeSpan.FromSeconds(60);
            if (query["timeoutSeconds"] is { Count: > 0 } seconds)
            {
                if (!double.TryParse(seconds.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 600)
                {
                    return BadRequest($"timeoutSeconds must be a number from 0 to 600, not '{seconds}'");
                }

                timeout = TimeSpan.FromSeconds(value);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(timeout);
            try
            {
                var paused = await pace.Holds.WaitPausedAsync(NonEmpty(query["namespace"]), NonEmpty(query["name"]), step, deadline.Token);
                return Results.Json(paused.ToJson());
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                return Results.Json(new JsonObject { ["error"] = $"no roll reached a hold within {timeout.TotalSeconds} s" }, statusCode: 504);
            }
        });
        routes.MapDelete("/rollout/holds", () => Results.Json(new JsonObject { ["released"] = pace.Holds.ReleaseAll() }));
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 && values.ToString().Length > 0 ? values.ToString() : null;

    private static IResult BadRequest(string message) => Results.BadRequest(new JsonObject { ["error"] = message });

    private static JsonObject Describe(RolloutPace pace) => new()
    {
        ["mode"] = pace.Speed.ToString().ToLowerInvariant(),
        ["secondsPerPod"] = pace.PodRestart.TotalSeconds,
        ["customSecondsPerPod"] = pace.HasCustomPodRestart,
    };
}
