namespace Sandbox.Kubernetes;

/// <summary>The kinds this API server serves: core v1 built-ins and ECK's Elasticsearch custom resource.</summary>
public static class ResourceCatalog
{
    public const string ElasticsearchGroup = "elasticsearch.k8s.elastic.co";

    public static readonly ResourceType Namespace = Core("Namespace", "namespaces", "namespace", false, ["ns"], status: true);
    public static readonly ResourceType Secret = Core("Secret", "secrets", "secret", true, []);
    public static readonly ResourceType ConfigMap = Core("ConfigMap", "configmaps", "configmap", true, ["cm"]);
    public static readonly ResourceType Service = Core("Service", "services", "service", true, ["svc"], status: true, categories: ["all"]);
    public static readonly ResourceType Pod = Core("Pod", "pods", "pod", true, ["po"], status: true, categories: ["all"]);
    public static readonly ResourceType Event = Core("Event", "events", "event", true, ["ev"]);

    public static readonly ResourceType Elasticsearch = new(
        ElasticsearchGroup, "v1", "Elasticsearch", "elasticsearches", "elasticsearch", Namespaced: true, ShortNames: ["es"],
        BuiltIn: false, HasStatusSubresource: true, TracksGeneration: true, Categories: ["elastic"])
    {
        AlsoServedVersions = ["v1beta1"],
    };

    public static IReadOnlyList<ResourceType> All { get; } = [Namespace, Secret, ConfigMap, Service, Pod, Event, Elasticsearch];

    public static ResourceType? ByKind(string kind) => All.FirstOrDefault(t => t.Kind == kind);

    public static ResourceType? ByPlural(string group, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Plural == plural);

    public static IEnumerable<ResourceType> InGroup(string group, string version) =>
        All.Where(t => t.Group == group && t.Serves(version));

    private static ResourceType Core(
        string kind, string plural, string singular, bool namespaced, string[] shortNames, bool status = false, string[]? categories = null) =>
        new("", "v1", kind, plural, singular, namespaced, shortNames, BuiltIn: true, HasStatusSubresource: status,
            TracksGeneration: false, Categories: categories ?? []);
}
