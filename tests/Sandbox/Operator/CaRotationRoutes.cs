using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sandbox.Operator;

/// <summary>Control API: POST /ca/rotate?namespace=&amp;name= replaces a cluster's transport CA (certificates reissued, rolling restart).</summary>
public static class CaRotationRoutes
{
    public static void Map(IEndpointRouteBuilder routes, EckOperator eckOperator)
    {
        routes.MapPost("/ca/rotate", (string? @namespace, string? name) =>
        {
            if (string.IsNullOrEmpty(name))
            {
                return Results.BadRequest(new JsonObject { ["error"] = "query parameter 'name' is required" });
            }

            var ns = string.IsNullOrEmpty(@namespace) ? "default" : @namespace;
            return eckOperator.RotateTransportCa(ns, name)
                ? Results.Accepted(value: new JsonObject { ["namespace"] = ns, ["name"] = name, ["rotating"] = "transport" })
                : Results.NotFound(new JsonObject { ["error"] = $"Elasticsearch {ns}/{name} not found" });
        });
    }
}
