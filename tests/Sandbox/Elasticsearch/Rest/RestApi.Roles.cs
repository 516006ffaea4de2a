using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>Native roles: PUT/GET/DELETE _security/role, with remote_indices (8.14 GA) and remote_cluster (8.15+).</summary>
public static partial class RestApi
{
    private static readonly string[] RoleFields =
        ["cluster", "indices", "applications", "run_as", "metadata", "transient_metadata", "description", "remote_indices", "remote_cluster"];

    private static Task<RestResponse> PutRole(RestRequest request)
    {
        var name = request.Param("name");
        var body = request.RequireObjectBody();
        var version = request.Node.Cluster.State.Version;
        foreach (var field in body.Select(p => p.Key))
        {
            if (!RoleFields.Contains(field) || (field == "remote_cluster" && !version.HasRemoteClusterPrivileges))
            {
                throw new EsException(400, "parse_exception", $"failed to parse role [{name}]. unexpected field [{field}]");
            }
        }

        foreach (var entry in body["remote_indices"] as JsonArray ?? [])
        {
            if (entry?["clusters"] is not JsonArray { Count: > 0 })
            {
                throw new EsException(400, "parse_exception",
                    $"failed to parse remote indices privileges for role [{name}]. missing required [clusters] field");
            }

            if (entry["names"] is not JsonArray { Count: > 0 })
            {
                throw new EsException(400, "parse_exception",
                    $"failed to parse indices privileges for role [{name}]. missing required [names] field");
            }
        }

        var allowedRemoteCluster = version.AtLeast(8, 17) ? new[] { "monitor_enrich", "monitor_stats" } : ["monitor_enrich"];
        foreach (var entry in body["remote_cluster"] as JsonArray ?? [])
        {
            if (entry?["clusters"] is not JsonArray { Count: > 0 })
            {
                throw new EsException(400, "parse_exception",
                    $"failed to parse remote_cluster for role [{name}]. [clusters] must be defined when [privileges] are defined");
            }

            var privileges = (entry["privileges"] as JsonArray ?? []).Select(p => p!.GetValue<string>()).ToList();
            if (privileges.Count == 0 || privileges.Any(p => !allowedRemoteCluster.Contains(p)))
            {
                throw new EsException(400, "parse_exception", allowedRemoteCluster.Length == 1
                    ? $"failed to parse remote_cluster for role [{name}]. [monitor_enrich] is the only value allowed for [privileges] within [remote_cluster]"
                    : $"failed to parse remote_cluster for role [{name}]. [{string.Join(", ", allowedRemoteCluster)}] are the only values allowed for [privileges] within [remote_cluster]");
            }
        }

        var descriptor = new JsonObject
        {
            ["cluster"] = body["cluster"]?.DeepClone() ?? new JsonArray(),
            ["indices"] = body["indices"]?.DeepClone() ?? new JsonArray(),
            ["applications"] = body["applications"]?.DeepClone() ?? new JsonArray(),
            ["run_as"] = body["run_as"]?.DeepClone() ?? new JsonArray(),
            ["metadata"] = body["metadata"]?.DeepClone() ?? new JsonObject(),
            ["transient_metadata"] = new JsonObject { ["enabled"] = true },
        };
        foreach (var optional in new[] { "description", "remote_indices", "remote_cluster" })
        {
            if (body[optional] is { } value)
            {
                descriptor[optional] = value.DeepClone();
            }
        }

        var roles = request.Node.Cluster.State.Roles;
        var created = !roles.ContainsKey(name);
        roles[name] = new RoleDefinition(name, descriptor);
        return Done(new JsonObject { ["role"] = new JsonObject { ["created"] = created } });
    }

    private static Task<RestResponse> GetRole(RestRequest request)
    {
        var roles = request.Node.Cluster.State.Roles;
        var names = request.PathParameters.TryGetValue("name", out var list) ? list.Split(',') : [.. roles.Keys.Order(StringComparer.Ordinal)];
        var body = new JsonObject();
        foreach (var name in names)
        {
            if (roles.TryGetValue(name, out var role))
            {
                body[name] = role.Descriptor.DeepClone();
            }
        }

        return Done(body, body.Count == 0 && request.PathParameters.ContainsKey("name") ? 404 : 200);
    }

    private static Task<RestResponse> DeleteRole(RestRequest request)
    {
        var found = request.Node.Cluster.State.Roles.TryRemove(request.Param("name"), out _);
        return Done(new JsonObject { ["found"] = found }, found ? 200 : 404);
    }
}
