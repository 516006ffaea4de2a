using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.State;

/// <summary>An API key document of the security index. <see cref="Type"/> is "rest" or "cross_cluster".</summary>
public sealed class ApiKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Type { get; init; }

    /// <summary>The secret part; Elasticsearch stores only a hash, the sandbox compares in constant time.</summary>
    public required string Secret { get; init; }

    public required string Username { get; init; }

    public required string Realm { get; init; }

    public required DateTimeOffset Creation { get; init; }

    public DateTimeOffset? Expiration { get; set; }

    public DateTimeOffset? Invalidation { get; set; }

    public bool Invalidated => Invalidation is not null;

    public JsonObject Metadata { get; set; } = new();

    /// <summary>Role descriptors by name (for cross_cluster keys the one Elasticsearch builds, named "cross_cluster").</summary>
    public JsonObject RoleDescriptors { get; set; } = new();

    /// <summary>The access as the caller gave it (cross_cluster keys only).</summary>
    public JsonObject? Access { get; set; }

    public bool IsExpired(DateTimeOffset now) => Expiration is { } expiry && expiry <= now;

    public bool IsActive(DateTimeOffset now) => !Invalidated && !IsExpired(now);
}
