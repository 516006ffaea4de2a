using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// Who a request authenticated as: a realm user (the reserved <c>elastic</c> or a native user, with the descriptors of
/// its roles as they were when it authenticated), or an API key acting for its owner.
/// </summary>
public sealed record Principal(
    string Username, IReadOnlyList<string> Roles, string RealmName, string RealmType, ApiKey? ApiKey,
    IReadOnlyList<JsonObject>? RoleDescriptors = null)
{
    public static Principal Elastic { get; } = new("elastic", ["superuser"], "reserved", "reserved", null);

    public bool IsApiKey => ApiKey is not null;

    public bool IsSuperuser => Roles.Contains("superuser");

    /// <summary>
    /// Cluster privileges: a superuser has all; an API key with role descriptors is limited to their union (a key without
    /// descriptors has its owner's); a native user has the union of its roles' <c>cluster</c> privileges.
    /// </summary>
    public IReadOnlySet<string> ClusterPrivileges
    {
        get
        {
            if (ApiKey is { Type: "rest" } key && key.RoleDescriptors.Count > 0)
            {
                return key.RoleDescriptors
                    .SelectMany(d => d.Value?["cluster"] as JsonArray ?? [])
                    .Select(p => p!.GetValue<string>())
                    .ToHashSet(StringComparer.Ordinal);
            }

            if (IsSuperuser)
            {
                return new HashSet<string> { "all" };
            }

            return (RoleDescriptors ?? [])
                .SelectMany(d => d["cluster"] as JsonArray ?? [])
                .Select(p => p!.GetValue<string>())
                .ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The index patterns this principal may read on the remote cluster <paramref name="alias"/> in the API-key model:
    /// null for no restriction (superuser, whose role grants every remote index), else the names of the role entries in
    /// <c>remote_indices</c> whose <c>clusters</c> match the alias and whose privileges allow reading; empty when none apply.
    /// </summary>
    public IReadOnlyList<string>? RemoteReadableIndices(string alias)
    {
        if (IsSuperuser || RoleDescriptors is null)
        {
            return null;
        }

        return [.. RoleDescriptors
            .SelectMany(d => d["remote_indices"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(entry => (entry["clusters"] as JsonArray ?? []).Any(c => DocumentStore.WildcardPattern(c!.GetValue<string>()).IsMatch(alias)))
            .Where(entry => (entry["privileges"] as JsonArray ?? []).Select(p => p!.GetValue<string>())
                .Any(p => p is "read" or "all" or "indices:data/read/*" or "indices:data/read/search"))
            .SelectMany(entry => entry["names"] as JsonArray ?? [])
            .Select(n => n!.GetValue<string>())
            .Distinct()];
    }

    /// <summary>How Elasticsearch's denial messages describe the caller (AuthorizationDenialMessages).</summary>
    public string Description => ApiKey is { } key
        ? $"API key id [{key.Id}] of user [{key.Username}]"
        : $"user [{Username}] with effective roles [{string.Join(",", Roles)}]";
}
