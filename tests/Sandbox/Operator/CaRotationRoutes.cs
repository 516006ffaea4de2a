using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sandbox.Operator;

/// <summary>
/// Control API: POST /ca/rotate?namespace=&amp;name=[&amp;newKey=true] rotates a cluster's transport CA as ECK does (see
/// EckOperator.RotateTransportCa): renewed from its key by default, a new key with newKey=true; no restart either way.
/// </summary>
public static class CaRotationRoutes
{
    public static void Map(IEndpointRouteBuilder routes, EckOperator eckOperator)
    {
        routes.MapPost("/ca/rotate", (string? @namespace, string? name, bool? newKey) =>
        {
            if (string.IsNullOrEmpty(name))
            {
                return Results.BadRequest(new JsonObject { ["error"] = "query parameter 'name' is required" });
            }

            var ns = string.IsNullOrEmpty(@namespace) ? "default" : @namespace;
            var rotation = newKey == true ? CaRotation.NewKey : CaRotation.Renew;
            return eckOperator.RotateTransportCa(ns, name, rotation)
                ? Results.Accepted(value: new JsonObject { ["namespace"] = ns, ["name"] = name, ["rotating"] = "transport", ["rotation"] = rotation.ToString() })
                : Results.NotFound(new JsonObject { ["error"] = $"Elasticsearch {ns}/{name} not found" });
        });
    }
}
