using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>One nodeSet of an Elasticsearch resource, with the roles its config gives its nodes.</summary>
public sealed record NodeSetSpec(string Name, int Count, IReadOnlyList<string> Roles);

/// <summary>A typed read-only view of the fields of an Elasticsearch resource that the operator acts on.</summary>
public sealed class ElasticsearchResource
{
    /// <summary>Roles a node has when its config names none (Elasticsearch's defaults, as ECK labels them).</summary>
    private static readonly string[] DefaultRoles =
        ["master", "data", "ingest", "ml", "remote_cluster_client", "transform"];

    public ElasticsearchResource(JsonObject obj)
    {
        Object = obj;
        var metadata = obj["metadata"]?.AsObject() ?? throw new ArgumentException("Elasticsearch without metadata.");
        Namespace = (string?)metadata["namespace"] ?? "default";
        Name = (string?)metadata["name"] ?? throw new ArgumentException("Elasticsearch without a name.");
        Uid = (string?)metadata["uid"] ?? string.Empty;
        Generation = JsonNumbers.Long(metadata["generation"]) ?? 1;
        var spec = obj["spec"]?.AsObject() ?? [];
        Version = (string?)spec["version"] ?? string.Empty;
        RemoteClusterServerEnabled = (bool?)spec["remoteClusterServer"]?["enabled"] ?? false;
        RemoteClusterServiceTemplate = spec["remoteClusterServer"]?["service"] as JsonObject;
        HttpServiceTemplate = spec["http"]?["service"] as JsonObject;
        TransportServiceTemplate = spec["transport"]?["service"] as JsonObject;
        var configMap = (string?)spec["transport"]?["tls"]?["certificateAuthorities"]?["configMapName"];
        TransportCaConfigMapName = string.IsNullOrEmpty(configMap) ? null : configMap;
        var suffix = (string?)spec["transport"]?["tls"]?["otherNameSuffix"];
        TransportOtherNameSuffix = string.IsNullOrEmpty(suffix) ? null : suffix;
        TransportSubjectAltNames = (spec["transport"]?["tls"]?["subjectAltNames"] as JsonArray ?? [])
            .OfType<JsonObject>().Select(san => ((string?)san["dns"], (string?)san["ip"])).ToList();
        NodeSets = ReadNodeSets(spec["nodeSets"] as JsonArray);
    }

    public JsonObject Object { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    public long Generation { get; }

    public string Version { get; }

    public bool RemoteClusterServerEnabled { get; }

    public JsonObject? RemoteClusterServiceTemplate { get; }

    public JsonObject? HttpServiceTemplate { get; }

    public JsonObject? TransportServiceTemplate { get; }

    public string? TransportCaConfigMapName { get; }

    /// <summary>spec.transport.tls.otherNameSuffix: replaces node.&lt;es&gt;.&lt;ns&gt;.es.local in the transport certificates' common name.</summary>
    public string? TransportOtherNameSuffix { get; }

    /// <summary>spec.transport.tls.subjectAltNames: extra DNS names and IPs for the transport certificates, in order.</summary>
    public IReadOnlyList<(string? Dns, string? Ip)> TransportSubjectAltNames { get; }

    public IReadOnlyList<NodeSetSpec> NodeSets { get; }

    public string Key => $"{Namespace}/{Name}";

    /// <summary>The ownerReference ECK puts on the objects it creates for this resource.</summary>
    public JsonObject OwnerReference() => new()
    {
        ["apiVersion"] = EckNames.ElasticsearchApiVersion,
        ["kind"] = EckNames.ElasticsearchKind,
        ["name"] = Name,
        ["uid"] = Uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    private static List<NodeSetSpec> ReadNodeSets(JsonArray? nodeSets)
    {
        var result = new List<NodeSetSpec>();
        foreach (var node in nodeSets ?? [])
        {
            if (node is not JsonObject nodeSet)
            {
                continue;
            }

            var roles = ReadRoles(nodeSet["config"] as JsonObject);
            result.Add(new NodeSetSpec((string?)nodeSet["name"] ?? "default", JsonNumbers.Int(nodeSet["count"]) ?? 0, roles));
        }

        return result;
    }

    private static string[] ReadRoles(JsonObject? config)
    {
        // node.roles may be written flat ("node.roles") or nested (node: {roles: [...]}).
        var roles = config?["node.roles"] as JsonArray ?? config?["node"]?["roles"] as JsonArray;
        return roles is null ? DefaultRoles : roles.Select(r => (string?)r ?? string.Empty).Where(r => r.Length > 0).ToArray();
    }
}
