using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Builds and compares the remote_indices / remote_cluster part of a local role.</summary>
internal static class RemoteRoles
{
    private static readonly Version RemoteClusterFieldSince = new(8, 15, 0);
    private static readonly Version RemoteIndicesSince = new(8, 14, 0);

    public static void Validate(RemoteRoleRequest role, Version localVersion)
    {
        if (string.IsNullOrWhiteSpace(role.Name) || role.Name.StartsWith('_') || role.Name.Length > 507)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidRoleName,
                EckErrorCategory.InvalidArgument,
                $"'{role.Name}' is not a valid role name: it must be 1 to 507 characters and must not start with '_'.",
                "Choose another role name.",
                role.Name);
        }

        foreach (var cluster in role.Clusters.Where(c => !c.Contains('*', StringComparison.Ordinal)))
        {
            RemoteClusterAlias.Validate(cluster);
        }

        if (localVersion < RemoteIndicesSince)
        {
            throw new EckRemoteClusterException(
                ErrorIds.RemoteIndicesNotSupported,
                EckErrorCategory.NotImplemented,
                $"The local cluster runs Elasticsearch {localVersion}; roles with remote_indices for API-key remote clusters need 8.14 or later.",
                "Upgrade the local cluster to 8.14 or later, or use the certificate model, where remote privileges are granted by roles on the remote cluster.",
                role.Name);
        }

        if (role.RemoteClusterPrivileges.Length > 0 && localVersion < RemoteClusterFieldSince)
        {
            throw new EckRemoteClusterException(
                ErrorIds.RemoteClusterPrivilegeNotSupported,
                EckErrorCategory.NotImplemented,
                $"The local cluster runs Elasticsearch {localVersion}; the remote_cluster role field needs 8.15 or later.",
                "Leave out -RemoteClusterPrivilege, or upgrade the local cluster to 8.15 or later.",
                role.Name);
        }
    }

    public static JsonObject Body(RemoteRoleRequest role)
    {
        var body = new JsonObject
        {
            ["remote_indices"] = new JsonArray(new JsonObject
            {
                ["clusters"] = Array(role.Clusters),
                ["names"] = Array(role.Indices),
                ["privileges"] = Array(role.Privileges),
            }),
        };
        if (role.RemoteClusterPrivileges.Length > 0)
        {
            body["remote_cluster"] = new JsonArray(new JsonObject
            {
                ["clusters"] = Array(role.Clusters),
                ["privileges"] = Array(role.RemoteClusterPrivileges),
            });
        }

        return body;
    }

    /// <summary>Whether an existing role (GET /_security/role/{name} entry) grants exactly what the request asks.</summary>
    public static bool Matches(JsonObject existing, RemoteRoleRequest role)
    {
        var wanted = Body(role);
        return SameEntries(existing["remote_indices"], wanted["remote_indices"], "clusters", "names", "privileges")
            && SameEntries(existing["remote_cluster"], wanted["remote_cluster"], "clusters", "privileges");
    }

    private static bool SameEntries(JsonNode? existing, JsonNode? wanted, params string[] fields)
    {
        var have = existing as JsonArray ?? [];
        var want = wanted as JsonArray ?? [];
        return have.Count == want.Count
            && have.Zip(want).All(pair => fields.All(field => SameSet(pair.First?[field], pair.Second?[field])));
    }

    private static bool SameSet(JsonNode? a, JsonNode? b) =>
        (a as JsonArray ?? []).Select(v => (string?)v).Order().SequenceEqual((b as JsonArray ?? []).Select(v => (string?)v).Order());

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
