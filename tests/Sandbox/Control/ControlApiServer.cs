using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sandbox.Control;

/// <summary>
/// The tests' side door, plain HTTP on loopback: GET/DELETE /requests, POST/DELETE /faults, and the routes
/// other parts registered (GET/PUT /rollout among them) on the <see cref="ControlPlane"/>.
/// </summary>
public sealed class ControlApiServer(ControlPlane control) : IAsyncDisposable
{
    private WebApplication? app;

    public Uri? Uri { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        app = builder.Build();

        app.MapGet("/requests", () => Results.Json(new JsonArray(control.Requests.Snapshot().Select(r => (JsonNode)r.ToJson()).ToArray())));
        app.MapPost("/requests/wait", async (HttpContext context) =>
        {
            var timeout = TimeSpan.FromSeconds(60);
            if (context.Request.Query["timeoutSeconds"] is { Count: > 0 } text)
            {
                if (!double.TryParse(text.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 600)
                {
                    return Results.BadRequest(new JsonObject { ["error"] = $"timeoutSeconds must be a number from 0 to 600, not '{text}'" });
                }

                timeout = TimeSpan.FromSeconds(seconds);
            }

            try
            {
                await control.Requests.WhenLoggedAsync().WaitAsync(timeout, context.RequestAborted);
                return Results.Json(new JsonObject { ["count"] = control.Requests.Snapshot().Count });
            }
            catch (TimeoutException)
            {
                return Results.Json(new JsonObject { ["error"] = $"requests were still being served after {timeout.TotalSeconds} s" }, statusCode: 504);
            }
        });
        app.MapDelete("/requests", () =>
        {
            control.Requests.Clear();
            return Results.NoContent();
        });
        app.MapPost("/faults", async (HttpContext context) =>
        {
            try
            {
                var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                    ?? throw new ArgumentException("The body must be a JSON object.");
                control.Faults.Add(FaultRule.FromJson(body));
                return Results.Created("/faults", body);
            }
            catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                return Results.BadRequest(new JsonObject { ["error"] = e.Message });
            }
        });
        app.MapGet("/faults", () => Results.Json(new JsonObject { ["rules"] = control.Faults.Describe(), ["held"] = control.Faults.Held }));
        app.MapPost("/faults/release", () =>
        {
            control.Faults.Release();
            return Results.NoContent();
        });
        app.MapDelete("/faults", () =>
        {
            control.Faults.Clear();
            return Results.NoContent();
        });
        foreach (var map in control.RegisteredRoutes())
        {
            map(app);
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
