using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Tests.Operator;

/// <summary>
/// The API server's real <see cref="ResourceStore"/> (CRD admission, namespaces that must exist, garbage collection,
/// watch delivery) as the operator tests use it, with a view of the recorded core/v1 Events. A hand-written fake used
/// to stand here and hid differences from the store the sandbox actually runs.
/// </summary>
internal sealed class ApiServerStore : IResourceStore
{
    private readonly IResourceStore store;

    public ApiServerStore(string eckVersion = ElasticsearchCrds.DefaultEckVersion)
    {
        var schema = ElasticsearchCrds.For(eckVersion);
        Inner = new ResourceStore(new CrdAdmission(new Dictionary<ResourceType, CrdSchema> { [ResourceCatalog.Elasticsearch] = schema }), new IdentityGenerator(7));
        store = Inner;
        foreach (var name in new[] { "default", "kube-system", "elastic" })
        {
            EnsureNamespace(name);
        }
    }

    public ResourceStore Inner { get; }

    /// <summary>The Events recorded so far (type, reason, message, involved object's name).</summary>
    public IReadOnlyList<(string Type, string Reason, string Message, string Involved)> Events =>
        store.List("Event").Select(e => (
            (string?)e["type"] ?? string.Empty,
            (string?)e["reason"] ?? string.Empty,
            (string?)e["message"] ?? string.Empty,
            (string?)e["involvedObject"]?["name"] ?? string.Empty)).ToList();

    /// <summary>Like `kubectl create namespace`: objects can only be created in an existing namespace.</summary>
    public void EnsureNamespace(string name)
    {
        if (store.Get("Namespace", null, name) is null)
        {
            store.Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } });
        }
    }

    public JsonObject? Get(string kind, string? @namespace, string name) => store.Get(kind, @namespace, name);

    public IReadOnlyList<JsonObject> List(string kind, string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null) =>
        store.List(kind, @namespace, labels);

    public long CurrentVersion => store.CurrentVersion;

    public JsonObject Create(JsonObject obj) => store.Create(obj);

    public JsonObject Update(JsonObject obj) => store.Update(obj);

    public JsonObject UpdateStatus(JsonObject obj) => store.UpdateStatus(obj);

    public bool Delete(string kind, string? @namespace, string name) => store.Delete(kind, @namespace, name);

    public void RecordEvent(JsonObject involvedObject, string type, string reason, string message) =>
        store.RecordEvent(involvedObject, type, reason, message);

    public IDisposable Subscribe(Action<WatchEvent> handler) => store.Subscribe(handler);

    public IDisposable RegisterValidatingWebhook(IValidatingWebhook webhook) => store.RegisterValidatingWebhook(webhook);
}
