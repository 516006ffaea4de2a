using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>Who a request authenticated as: a realm user, or an API key acting for its owner.</summary>
public sealed record Principal(string Username, IReadOnlyList<string> Roles, string RealmName, string RealmType, ApiKey? ApiKey)
{
    public static Principal Elastic { get; } = new("elastic", ["superuser"], "reserved", "reserved", null);

    public bool IsApiKey => ApiKey is not null;

    public bool IsSuperuser => Roles.Contains("superuser");
}
