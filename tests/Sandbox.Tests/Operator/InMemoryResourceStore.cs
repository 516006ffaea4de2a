using System.Text.Json.Nodes;
using System.Threading.Channels;
using Sandbox.Kubernetes;

namespace Sandbox.Tests.Operator;

/// <summary>
/// A small stand-in for the API server's store, so the operator can be tested on its own: resourceVersion and
/// conflicts, generation on spec changes, status-only writes, events, and ordered change notifications.
/// </summary>
internal sealed class InMemoryResourceStore : IResourceStore
{
    private readonly Dictionary<(string Kind, string Ns, string Name), JsonObject> objects = [];
    private readonly List<Action<WatchEvent>> handlers = [];
    private readonly Channel<WatchEvent> changes = Channel.CreateUnbounded<WatchEvent>();
    private readonly Lock gate = new();
    private long version;

    public InMemoryResourceStore() => _ = Task.Run(DeliverAsync);

    public List<(string Type, string Reason, string Message, string Involved)> Events { get; } = [];

    public JsonObject? Get(string kind, string? @namespace, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue((kind, @namespace ?? string.Empty, name), out var obj) ? (JsonObject)obj.DeepClone() : null;
        }
    }

    public IReadOnlyList<JsonObject> List(string kind, string? @namespace = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        lock (gate)
        {
            return objects.Where(o => o.Key.Kind == kind && (@namespace is null || o.Key.Ns == @namespace))
                .Select(o => o.Value)
                .Where(o => labels is null || labels.All(l => (string?)o["metadata"]?["labels"]?[l.Key] == l.Value))
                .Select(o => (JsonObject)o.DeepClone())
                .ToList();
        }
    }

    public JsonObject Create(JsonObject obj)
    {
        lock (gate)
        {
            var key = Key(obj);
            if (objects.ContainsKey(key))
            {
                throw new KubernetesStatusException(409, "AlreadyExists", $"{key.Kind} \"{key.Name}\" already exists");
            }

            var stored = (JsonObject)obj.DeepClone();
            var metadata = stored["metadata"]!.AsObject();
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["resourceVersion"] = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            metadata["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            metadata["generation"] = 1;
            if (key.Kind == "Pod")
            {
                stored.Remove("status");
            }

            stored = Reparse(stored);
            objects[key] = stored;
            Publish("ADDED", stored);
            return (JsonObject)stored.DeepClone();
        }
    }

    public JsonObject Update(JsonObject obj) => Write(obj, statusOnly: false);

    public JsonObject UpdateStatus(JsonObject obj) => Write(obj, statusOnly: true);

    public bool Delete(string kind, string? @namespace, string name)
    {
        lock (gate)
        {
            if (!objects.Remove((kind, @namespace ?? string.Empty, name), out var removed))
            {
                return false;
            }

            Publish("DELETED", removed);
            return true;
        }
    }

    public void RecordEvent(JsonObject involvedObject, string type, string reason, string message)
    {
        lock (gate)
        {
            Events.Add((type, reason, message, (string?)involvedObject["metadata"]?["name"] ?? string.Empty));
        }
    }

    public IDisposable Subscribe(Action<WatchEvent> handler)
    {
        lock (gate)
        {
            handlers.Add(handler);
        }

        return new Unsubscriber(() =>
        {
            lock (gate)
            {
                handlers.Remove(handler);
            }
        });
    }

    private JsonObject Write(JsonObject obj, bool statusOnly)
    {
        lock (gate)
        {
            var key = Key(obj);
            if (!objects.TryGetValue(key, out var current))
            {
                throw new KubernetesStatusException(404, "NotFound", $"{key.Kind} \"{key.Name}\" not found");
            }

            var requested = (string?)obj["metadata"]?["resourceVersion"];
            if (requested is not null && requested != (string?)current["metadata"]!["resourceVersion"])
            {
                throw new KubernetesStatusException(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again");
            }

            var next = (JsonObject)current.DeepClone();
            if (statusOnly)
            {
                next["status"] = obj["status"]?.DeepClone();
            }
            else
            {
                var specChanged = !JsonNode.DeepEquals(current["spec"], obj["spec"]);
                foreach (var field in obj.Where(f => f.Key is not "status" and not "metadata").ToList())
                {
                    next[field.Key] = field.Value?.DeepClone();
                }

                foreach (var field in next.Where(f => f.Key is not "status" and not "metadata" and not "apiVersion" and not "kind").Select(f => f.Key).ToList())
                {
                    if (!obj.ContainsKey(field))
                    {
                        next.Remove(field);
                    }
                }

                var metadata = next["metadata"]!.AsObject();
                foreach (var field in new[] { "labels", "annotations", "ownerReferences" })
                {
                    metadata.Remove(field);
                    if (obj["metadata"]?[field] is { } value)
                    {
                        metadata[field] = value.DeepClone();
                    }
                }

                if (specChanged)
                {
                    metadata["generation"] = ((long?)metadata["generation"] ?? 1) + 1;
                }
            }

            next["metadata"]!["resourceVersion"] = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            next = Reparse(next);
            objects[key] = next;
            Publish("MODIFIED", next);
            return (JsonObject)next.DeepClone();
        }
    }

    /// <summary>Stored objects look as if they came over the wire, as the real store's do.</summary>
    private static JsonObject Reparse(JsonObject obj) => JsonNode.Parse(obj.ToJsonString())!.AsObject();

    private void Publish(string type, JsonObject obj) => changes.Writer.TryWrite(new WatchEvent(type, (JsonObject)obj.DeepClone()));

    private async Task DeliverAsync()
    {
        await foreach (var change in changes.Reader.ReadAllAsync())
        {
            Action<WatchEvent>[] current;
            lock (gate)
            {
                current = [.. handlers];
            }

            foreach (var handler in current)
            {
                handler(change);
            }
        }
    }

    private static (string Kind, string Ns, string Name) Key(JsonObject obj) =>
        ((string)obj["kind"]!, (string?)obj["metadata"]?["namespace"] ?? string.Empty, (string)obj["metadata"]!["name"]!);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
