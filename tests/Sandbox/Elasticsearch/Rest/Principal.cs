using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>Who a request authenticated as: a realm user, or an API key acting for its owner.</summary>
public sealed record Principal(string Username, IReadOnlyList<string> Roles, string RealmName, string RealmType, ApiKey? ApiKey)
{
    public static Principal Elastic { get; } = new("elastic", ["superuser"], "reserved", "reserved", null);

    public bool IsApiKey => ApiKey is not null;

    public bool IsSuperuser => Roles.Contains("superuser");

    /// <summary>
    /// Cluster privileges: a superuser has all; an API key with role descriptors is limited to their union (a key without
    /// descriptors has its owner's).
    /// </summary>
    public IReadOnlySet<string> ClusterPrivileges
    {
        get
        {
            if (ApiKey is { Type: "rest" } key && key.RoleDescriptors.Count > 0)
            {
                return key.RoleDescriptors
                    .SelectMany(d => d.Value?["cluster"] as System.Text.Json.Nodes.JsonArray ?? [])
                    .Select(p => p!.GetValue<string>())
                    .ToHashSet(StringComparer.Ordinal);
            }

            return IsSuperuser ? new HashSet<string> { "all" } : new HashSet<string>();
        }
    }
}
