using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>A change to a stored object, as a watch reports it (ADDED, MODIFIED, DELETED).</summary>
public sealed record WatchEvent(string Type, JsonObject Object);

/// <summary>
/// The API server's object store, as the in-process controllers (ECK operator, load balancer controller) see it.
/// Objects are full Kubernetes JSON documents (apiVersion, kind, metadata, spec, status). Writes through this interface
/// behave like writes through the API (resourceVersion, generation, uid, creationTimestamp, watch events) but bypass
/// authentication and the request log, like a controller with its own service account would not appear in a user's log.
/// Failures throw <see cref="KubernetesStatusException"/> carrying the Status the API would have answered.
/// </summary>
public interface IResourceStore
{
    JsonObject? Get(string kind, string? @namespace, string name);

    IReadOnlyList<JsonObject> List(string kind, string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null);

    JsonObject Create(JsonObject obj);

    /// <summary>Replaces spec/metadata; a stale metadata.resourceVersion answers 409 Conflict.</summary>
    JsonObject Update(JsonObject obj);

    /// <summary>Writes only .status (the status subresource); generation does not change.</summary>
    JsonObject UpdateStatus(JsonObject obj);

    bool Delete(string kind, string? @namespace, string name);

    /// <summary>Records a core/v1 Event about <paramref name="involvedObject"/> (type Normal or Warning).</summary>
    void RecordEvent(JsonObject involvedObject, string type, string reason, string message);

    /// <summary>Every change to every object, delivered in order on a background thread.</summary>
    IDisposable Subscribe(Action<WatchEvent> handler);

    /// <summary>Registers a validating admission webhook (as an operator's ValidatingWebhookConfiguration does) until disposed.</summary>
    IDisposable RegisterValidatingWebhook(IValidatingWebhook webhook);

    /// <summary>The resourceVersion of the latest write (each event's object carries its own).</summary>
    long CurrentVersion { get; }
}

/// <summary>A failure with the kind: Status body kube-apiserver would send (reason and HTTP code).</summary>
public sealed class KubernetesStatusException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    /// <summary>The Status's details (name, group, kind, causes), when kube-apiserver would send them.</summary>
    public JsonObject? Details { get; init; }
}
