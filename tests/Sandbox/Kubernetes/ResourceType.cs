namespace Sandbox.Kubernetes;

/// <summary>One kind the API server serves, with the names discovery and error messages use.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    bool BuiltIn,
    bool HasStatusSubresource,
    bool TracksGeneration,
    IReadOnlyList<string> Categories)
{
    /// <summary>Versions served besides <see cref="Version"/> (converted trivially, as ECK's v1beta1 is).</summary>
    public IReadOnlyList<string> AlsoServedVersions { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"secrets" or "elasticsearches.elasticsearch.k8s.elastic.co", as in NotFound messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>How a subresource or the resource appears in RBAC messages ("elasticsearches/status").</summary>
    public string RbacResource(string? subresource) => subresource is null ? Plural : $"{Plural}/{subresource}";

    public bool Serves(string version) => version == Version || AlsoServedVersions.Contains(version);
}
