using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// The Elasticsearch custom resource as the API server sends it. Spec and status stay JSON: this module reads a few
/// fields and must not drop the many it does not know when ECK adds them.
/// </summary>
internal sealed class ElasticsearchResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = EckNames.Group + "/" + EckNames.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Elasticsearch";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonElement Spec { get; set; }

    [JsonPropertyName("status")]
    public JsonElement Status { get; set; }

    public string? Version => Read(Spec, "version");

    public bool RemoteClusterServerEnabled => Spec.ValueKind == JsonValueKind.Object
        && Spec.TryGetProperty("remoteClusterServer", out var server) && server.ValueKind == JsonValueKind.Object
        && server.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.True;

    /// <summary>spec.&lt;field&gt;.service (remoteClusterServer: ECK 3.3+; transport), if set.</summary>
    public JsonElement? ServiceTemplate(string field) => Spec.ValueKind == JsonValueKind.Object
        && Spec.TryGetProperty(field, out var parent) && parent.ValueKind == JsonValueKind.Object
        && parent.TryGetProperty("service", out var service) && service.ValueKind == JsonValueKind.Object ? service : null;

    /// <summary>spec.transport.tls.certificateAuthorities.configMapName: the ConfigMap of extra transport CAs, if any.</summary>
    public string? TransportCaConfigMapName => Spec.ValueKind == JsonValueKind.Object
        && Spec.TryGetProperty("transport", out var transport) && transport.ValueKind == JsonValueKind.Object
        && transport.TryGetProperty("tls", out var tls) && tls.ValueKind == JsonValueKind.Object
        && tls.TryGetProperty("certificateAuthorities", out var cas) && cas.ValueKind == JsonValueKind.Object
        && cas.TryGetProperty("configMapName", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    /// <summary>The node count the spec asks for (sum of nodeSets[].count); 0 when unknown.</summary>
    public int ExpectedNodes => Spec.ValueKind == JsonValueKind.Object && Spec.TryGetProperty("nodeSets", out var sets) && sets.ValueKind == JsonValueKind.Array
        ? sets.EnumerateArray().Sum(set => set.TryGetProperty("count", out var c) && c.TryGetInt32(out var n) ? n : 0)
        : 0;

    public EckCluster ToEckCluster(Kubernetes.KubernetesSession session)
    {
        return new EckCluster(
            Metadata.Name,
            Metadata.NamespaceProperty,
            Version,
            Read(Status, "health"),
            Read(Status, "phase"),
            Status.ValueKind == JsonValueKind.Object && Status.TryGetProperty("availableNodes", out var nodes) && nodes.TryGetInt32(out var count) ? count : 0,
            RemoteClusterServerEnabled,
            session.ContextName,
            session.Target.KubeConfig,
            Metadata.Generation ?? 0,
            Status.ValueKind == JsonValueKind.Object && Status.TryGetProperty("observedGeneration", out var observed) && observed.TryGetInt64(out var o) ? o : 0,
            Metadata.ResourceVersion)
        {
            SpecServiceTemplates = new[] { "remoteClusterServer", "transport" }
                .Select(field => (field, template: ServiceTemplate(field)))
                .Where(t => t.template is not null)
                .ToDictionary(t => t.field, t => t.template!.Value.GetRawText(), StringComparer.Ordinal),
        };
    }

    private static string? Read(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

internal sealed class ElasticsearchResourceList : IKubernetesObject<V1ListMeta>, IItems<ElasticsearchResource>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = EckNames.Group + "/" + EckNames.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ElasticsearchList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<ElasticsearchResource> Items { get; set; } = [];
}
