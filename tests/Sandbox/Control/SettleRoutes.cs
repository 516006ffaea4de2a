using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sandbox.Kubernetes;
using Sandbox.Operator;

namespace Sandbox.Control;

/// <summary>
/// POST /settle?timeoutSeconds=60: answers once the ECK operator and the load balancer controller have acted on every
/// change made before the call (and on the changes that caused): a patched ConfigMap has been rolled out, a new
/// Service listens. 200 {version}, or 504 when they are still busy at the timeout. Tests call it instead of sleeping
/// or polling a status that may still show the state from before the change.
/// </summary>
public static class SettleRoutes
{
    public static void Map(IEndpointRouteBuilder routes, IResourceStore store, params IStoreFollower[] followers)
    {
        routes.MapPost("/settle", async (HttpContext context) =>
        {
            var timeout = TimeSpan.FromSeconds(60);
            if (context.Request.Query["timeoutSeconds"] is { Count: > 0 } text)
            {
                if (!double.TryParse(text.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 600)
                {
                    return Results.BadRequest(new JsonObject { ["error"] = $"timeoutSeconds must be a number from 0 to 600, not '{text}'" });
                }

                timeout = TimeSpan.FromSeconds(seconds);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(timeout);
            try
            {
                var version = await Settling.SettleAsync(store, followers, deadline.Token);
                return Results.Json(new JsonObject { ["version"] = version.ToString(CultureInfo.InvariantCulture) });
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                return Results.Json(new JsonObject { ["error"] = $"the controllers were still busy after {timeout.TotalSeconds} s" }, statusCode: 504);
            }
        });
    }
}
