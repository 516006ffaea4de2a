using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Sandbox.Kubernetes;

/// <summary>
/// The API server's storage, standing in for etcd plus the registry logic around it: resourceVersions from one global
/// counter, uid/creationTimestamp/generation management, a bounded history that watches replay from (older versions
/// answer 410 Expired), owner-reference garbage collection and namespace deletion.
/// </summary>
public sealed class ResourceStore : IResourceStore
{
    private const int HistoryLimit = 5000;
    private const int StatusChangeLimit = 5000;

    private readonly object gate = new();
    private readonly Dictionary<string, JsonObject> objects = new(StringComparer.Ordinal);
    private readonly LinkedList<StoredEvent> history = new();
    private readonly List<Channel<StoredEvent>> subscribers = [];
    private readonly Queue<StatusChange> statusChanges = new();
    private readonly IObjectAdmission admission;
    private readonly IdentityGenerator identities;
    private readonly TimeProvider clock;
    private long lastVersion;
    private long compactedThrough;

    public ResourceStore(IObjectAdmission admission, IdentityGenerator identities, TimeProvider? clock = null)
    {
        this.admission = admission;
        this.identities = identities;
        this.clock = clock ?? TimeProvider.System;
    }

    /// <summary>The validating admission webhooks called after schema validation, before anything is stored.</summary>
    public ValidatingWebhooks Webhooks { get; } = new();

    public IDisposable RegisterValidatingWebhook(IValidatingWebhook webhook) => Webhooks.Register(webhook);

    public long CurrentVersion
    {
        get
        {
            lock (gate)
            {
                return lastVersion;
            }
        }
    }

    /// <summary>Versions at or below this one are gone from the history (watches and continue tokens from before answer 410).</summary>
    public long CompactedThrough
    {
        get
        {
            lock (gate)
            {
                return compactedThrough;
            }
        }
    }

    public JsonObject Get(ResourceType type, string? @namespace, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue(Key(type, @namespace, name), out var stored) ? Clone(stored) : throw StatusErrors.NotFound(type, name);
        }
    }

    public (IReadOnlyList<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? @namespace, Func<JsonObject, bool>? filter = null)
    {
        lock (gate)
        {
            var prefix = type.Namespaced && @namespace is not null ? $"{type.GroupResource}/{@namespace}/" : $"{type.GroupResource}/";
            var items = objects
                .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => p.Value)
                .Where(o => filter is null || filter(o))
                .Select(Clone)
                .ToList();
            return (items, lastVersion);
        }
    }

    public JsonObject Create(ResourceType type, string? @namespace, JsonObject obj, WriteOptions options)
    {
        lock (gate)
        {
            obj = Clone(obj);
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            var metadata = ObjectMeta.Metadata(obj);
            if (type.Namespaced)
            {
                var bodyNamespace = ObjectMeta.Namespace(obj);
                if (bodyNamespace is not null && @namespace is not null && bodyNamespace != @namespace)
                {
                    throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                @namespace ??= bodyNamespace ?? "default";
                metadata["namespace"] = @namespace;
                if (!objects.ContainsKey(Key(ResourceCatalog.Namespace, null, @namespace)))
                {
                    throw StatusErrors.NotFound(ResourceCatalog.Namespace, @namespace);
                }
            }
            else
            {
                metadata.Remove("namespace");
            }

            if (ObjectMeta.Name(obj) is null or "" && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } generateName)
            {
                metadata["name"] = generateName + identities.NameSuffix();
            }

            var name = ObjectMeta.Name(obj);
            if (string.IsNullOrEmpty(name))
            {
                throw StatusErrors.Invalid(type, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
            }

            if (objects.ContainsKey(Key(type, @namespace, name)))
            {
                throw StatusErrors.AlreadyExists(type, name);
            }

            metadata.Remove("resourceVersion");
            metadata["uid"] = identities.Uid();
            metadata["creationTimestamp"] = ObjectMeta.Timestamp(clock.GetUtcNow());
            metadata.Remove("deletionTimestamp");
            if (type.TracksGeneration)
            {
                metadata["generation"] = 1;
            }
            else
            {
                metadata.Remove("generation");
            }

            ApplyDefaults(type, obj);
            admission.Admit(type, obj, options);
            Webhooks.Validate(type, "CREATE", obj, null, options);
            if (options.DryRun)
            {
                return obj;
            }

            return Commit("ADDED", type, obj);
        }
    }

    /// <summary>PUT semantics: replaces the object; a body resourceVersion that is not the current one answers 409.</summary>
    public JsonObject Update(ResourceType type, string? @namespace, string name, JsonObject obj, WriteOptions options, bool statusOnly)
    {
        lock (gate)
        {
            var current = objects.TryGetValue(Key(type, @namespace, name), out var stored) ? stored : throw StatusErrors.NotFound(type, name);
            var bodyName = ObjectMeta.Name(obj);
            if (bodyName is not null && bodyName != name)
            {
                throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            var requested = ObjectMeta.ResourceVersion(obj);
            if (!string.IsNullOrEmpty(requested) && requested != ObjectMeta.ResourceVersion(current))
            {
                throw StatusErrors.Conflict(type, name);
            }

            if (string.IsNullOrEmpty(requested) && !type.BuiltIn)
            {
                throw StatusErrors.Invalid(type, name,
                    [FieldError.InvalidValue("metadata.resourceVersion", "0x0", "must be specified for an update")]);
            }

            return Replace(type, current, obj, options, statusOnly);
        }
    }

    /// <summary>Read-modify-write under the store's lock (patch, apply): <paramref name="change"/> gets a copy of the current object.</summary>
    public JsonObject Modify(ResourceType type, string? @namespace, string name, Func<JsonObject, JsonObject> change, WriteOptions options, bool statusOnly)
    {
        lock (gate)
        {
            var current = objects.TryGetValue(Key(type, @namespace, name), out var stored) ? stored : throw StatusErrors.NotFound(type, name);
            var changed = change(Clone(current));
            var requested = ObjectMeta.ResourceVersion(changed);
            if (!string.IsNullOrEmpty(requested) && requested != ObjectMeta.ResourceVersion(current))
            {
                throw StatusErrors.Conflict(type, name);
            }

            return Replace(type, current, changed, options, statusOnly);
        }
    }

    public JsonObject? TryGet(ResourceType type, string? @namespace, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue(Key(type, @namespace, name), out var stored) ? Clone(stored) : null;
        }
    }

    /// <summary>Removes the object (and, like the garbage collector, everything it owns); returns it as last stored.</summary>
    public JsonObject Delete(ResourceType type, string? @namespace, string name, WriteOptions options, string? preconditionUid = null, string? preconditionVersion = null)
    {
        lock (gate)
        {
            var key = Key(type, @namespace, name);
            var current = objects.TryGetValue(key, out var stored) ? stored : throw StatusErrors.NotFound(type, name);
            if (preconditionUid is not null && preconditionUid != ObjectMeta.Uid(current))
            {
                throw new KubernetesStatusException(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": Precondition failed: UID in precondition: {preconditionUid}, UID in object meta: {ObjectMeta.Uid(current)}");
            }

            if (preconditionVersion is not null && preconditionVersion != ObjectMeta.ResourceVersion(current))
            {
                throw StatusErrors.Conflict(type, name);
            }

            var deleted = Clone(current);
            if (options.DryRun)
            {
                return deleted;
            }

            if (type == ResourceCatalog.Namespace)
            {
                foreach (var contained in objects.Where(p => ObjectMeta.Namespace(p.Value) == name).Select(p => p.Key).ToList())
                {
                    RemoveLocked(contained);
                }

                ObjectMeta.Metadata(deleted)["deletionTimestamp"] = ObjectMeta.Timestamp(clock.GetUtcNow());
                deleted["status"] = new JsonObject { ["phase"] = "Terminating" };
            }

            var removed = RemoveLocked(key);
            return type == ResourceCatalog.Namespace ? deleted : removed;
        }
    }

    /// <summary>
    /// The status writes (status subresource) kept so far, oldest first, optionally of one kind, namespace and name:
    /// each with the time it was committed, i.e. when a watch could first see it (control API GET /kubernetes/status-changes).
    /// </summary>
    public IReadOnlyList<StatusChange> StatusChanges(string? kind = null, string? @namespace = null, string? name = null)
    {
        lock (gate)
        {
            return [.. statusChanges.Where(c => (kind is null || c.Kind == kind) && (@namespace is null || c.Namespace == @namespace) && (name is null || c.Name == name))];
        }
    }

    /// <summary>Starts a watch: the events after <paramref name="sinceVersion"/> (or ADDED for everything when null), then live ones.</summary>
    public StoreWatch Watch(long? sinceVersion)
    {
        lock (gate)
        {
            var initial = new List<StoredEvent>();
            if (sinceVersion is null)
            {
                initial.AddRange(objects.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new StoredEvent(lastVersion, ResourceCatalog.ByKind(p.Value["kind"]!.GetValue<string>())!, new WatchEvent("ADDED", Clone(p.Value)))));
            }
            else
            {
                if (sinceVersion.Value < compactedThrough)
                {
                    throw StatusErrors.Expired($"too old resource version: {sinceVersion.Value} ({compactedThrough})");
                }

                initial.AddRange(history.Where(e => e.Version > sinceVersion.Value).Select(e => e with { Event = e.Event with { Object = Clone(e.Event.Object) } }));
            }

            var channel = Channel.CreateUnbounded<StoredEvent>(new UnboundedChannelOptions { SingleReader = true });
            subscribers.Add(channel);
            return new StoreWatch(initial, channel.Reader, lastVersion, () => Unsubscribe(channel));
        }
    }

    /// <summary>Forgets the history up to now, as etcd compaction does: older watch versions then answer 410.</summary>
    public void Compact()
    {
        lock (gate)
        {
            history.Clear();
            compactedThrough = lastVersion;
        }
    }

    JsonObject? IResourceStore.Get(string kind, string? @namespace, string name) => TryGet(TypeOf(kind), @namespace, name);

    IReadOnlyList<JsonObject> IResourceStore.List(string kind, string? @namespace, IReadOnlyDictionary<string, string>? labels) =>
        List(TypeOf(kind), @namespace, labels is null ? null : o => labels.All(l => ObjectMeta.Labels(o).TryGetValue(l.Key, out var v) && v == l.Value)).Items;

    JsonObject IResourceStore.Create(JsonObject obj) => Create(TypeOf(obj), ObjectMeta.Namespace(obj), obj, WriteOptions.Controller);

    JsonObject IResourceStore.Update(JsonObject obj) =>
        Update(TypeOf(obj), ObjectMeta.Namespace(obj), ObjectMeta.Name(obj) ?? "", obj, WriteOptions.Controller, statusOnly: false);

    JsonObject IResourceStore.UpdateStatus(JsonObject obj)
    {
        var type = TypeOf(obj);
        var name = ObjectMeta.Name(obj) ?? "";
        return Modify(type, ObjectMeta.Namespace(obj), name, current =>
        {
            current["status"] = obj["status"]?.DeepClone();
            if (ObjectMeta.ResourceVersion(obj) is { } requested)
            {
                ObjectMeta.Metadata(current)["resourceVersion"] = requested;
            }

            return current;
        }, WriteOptions.Controller, statusOnly: true);
    }

    bool IResourceStore.Delete(string kind, string? @namespace, string name)
    {
        try
        {
            Delete(TypeOf(kind), @namespace, name, WriteOptions.Controller);
            return true;
        }
        catch (KubernetesStatusException e) when (e.Code == 404)
        {
            return false;
        }
    }

    void IResourceStore.RecordEvent(JsonObject involvedObject, string type, string reason, string message)
    {
        var now = ObjectMeta.Timestamp(clock.GetUtcNow());
        var involvedName = ObjectMeta.Name(involvedObject) ?? "";
        var @namespace = ObjectMeta.Namespace(involvedObject) ?? "default";
        var involvedEvent = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"{involvedName}.{identities.EventSuffix()}", ["namespace"] = @namespace },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = involvedObject["kind"]?.DeepClone(),
                ["namespace"] = @namespace,
                ["name"] = involvedName,
                ["uid"] = ObjectMeta.Uid(involvedObject),
                ["apiVersion"] = involvedObject["apiVersion"]?.DeepClone(),
                ["resourceVersion"] = ObjectMeta.ResourceVersion(involvedObject),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = "elasticsearch-controller" },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = type,
            ["eventTime"] = null,
            ["reportingComponent"] = "elasticsearch-controller",
            ["reportingInstance"] = "",
        };
        Create(ResourceCatalog.Event, @namespace, involvedEvent, WriteOptions.Controller);
    }

    IDisposable IResourceStore.Subscribe(Action<WatchEvent> handler)
    {
        var watch = Watch(CurrentVersion);
        _ = Task.Run(async () =>
        {
            await foreach (var stored in watch.Live.ReadAllAsync())
            {
                try
                {
                    handler(stored.Event);
                }
                catch (Exception e)
                {
                    // One failing handler call must not end the subscription: a controller that stops hearing about
                    // changes would silently miss every later spec change (an informer keeps delivering too).
                    Console.Error.WriteLine($"resource-store: a subscriber failed on {stored.Event.Type} {stored.Type.Kind}: {e.Message}");
                }
            }
        });
        return watch;
    }

    private JsonObject Replace(ResourceType type, JsonObject current, JsonObject replacement, WriteOptions options, bool statusOnly)
    {
        JsonObject next;
        if (statusOnly)
        {
            next = Clone(current);
            next["status"] = replacement["status"]?.DeepClone();
        }
        else
        {
            next = Clone(replacement);
            if (type.HasStatusSubresource)
            {
                next["status"] = current["status"]?.DeepClone();
            }
        }

        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        var metadata = ObjectMeta.Metadata(next);
        var currentMetadata = ObjectMeta.Metadata(current);
        foreach (var managed in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp" })
        {
            if (currentMetadata[managed] is { } value)
            {
                metadata[managed] = value.DeepClone();
            }
            else
            {
                metadata.Remove(managed);
            }
        }

        if (!metadata.ContainsKey("managedFields") && currentMetadata["managedFields"] is { } managedFields)
        {
            metadata["managedFields"] = managedFields.DeepClone();
        }

        if (next["status"] is null)
        {
            next.Remove("status");
        }

        if (type.TracksGeneration && !statusOnly && !JsonNode.DeepEquals(WithoutMetaAndStatus(current), WithoutMetaAndStatus(next)))
        {
            metadata["generation"] = (currentMetadata["generation"] is { } generation ? JsonNumbers.AsLong(generation) : 0) + 1;
        }

        metadata["resourceVersion"] = currentMetadata["resourceVersion"]?.DeepClone();
        if (type == ResourceCatalog.Secret)
        {
            MergeStringData(next);
        }

        admission.Admit(type, next, options);
        if (!statusOnly)
        {
            Webhooks.Validate(type, "UPDATE", next, current, options);
        }

        if (JsonNode.DeepEquals(current, next) || options.DryRun)
        {
            // kube-apiserver skips the write (and the watch event) when nothing changed.
            return Clone(next);
        }

        // Taken before the commit publishes the change, so no watcher can have seen it before this time.
        var time = clock.GetUtcNow();
        var committed = Commit("MODIFIED", type, next);
        if (statusOnly)
        {
            RecordStatusChange(time, type, committed);
        }

        return committed;
    }

    private void RecordStatusChange(DateTimeOffset time, ResourceType type, JsonObject committed)
    {
        var metadata = ObjectMeta.Metadata(committed);
        statusChanges.Enqueue(new StatusChange(
            time,
            type.Kind,
            ObjectMeta.Namespace(committed),
            ObjectMeta.Name(committed) ?? "",
            long.Parse(ObjectMeta.ResourceVersion(committed)!, System.Globalization.CultureInfo.InvariantCulture),
            metadata["generation"] is { } generation ? JsonNumbers.AsLong(generation) : null,
            committed["status"]?.DeepClone() as JsonObject));
        while (statusChanges.Count > StatusChangeLimit)
        {
            statusChanges.Dequeue();
        }
    }

    private JsonObject Commit(string eventType, ResourceType type, JsonObject obj)
    {
        // Stored like etcd stores it, as serialized JSON: readers then see the same value types whoever wrote the object.
        obj = (JsonObject)JsonNode.Parse(obj.ToJsonString())!;
        lastVersion++;
        ObjectMeta.Metadata(obj)["resourceVersion"] = lastVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        objects[Key(type, ObjectMeta.Namespace(obj), ObjectMeta.Name(obj)!)] = obj;
        Publish(new StoredEvent(lastVersion, type, new WatchEvent(eventType, obj)));
        return Clone(obj);
    }

    private JsonObject RemoveLocked(string key)
    {
        var removed = objects[key];
        objects.Remove(key);
        lastVersion++;
        var deleted = Clone(removed);
        ObjectMeta.Metadata(deleted)["resourceVersion"] = lastVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var type = ResourceCatalog.ByKind(removed["kind"]!.GetValue<string>())!;
        Publish(new StoredEvent(lastVersion, type, new WatchEvent("DELETED", deleted)));
        if (ObjectMeta.Uid(removed) is { } uid)
        {
            foreach (var dependent in objects.Where(p => ObjectMeta.OwnerUids(p.Value).Contains(uid)).Select(p => p.Key).ToList())
            {
                if (objects.ContainsKey(dependent))
                {
                    RemoveLocked(dependent);
                }
            }
        }

        return Clone(deleted);
    }

    private void Publish(StoredEvent stored)
    {
        history.AddLast(stored);
        while (history.Count > HistoryLimit)
        {
            compactedThrough = history.First!.Value.Version;
            history.RemoveFirst();
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Writer.TryWrite(stored with { Event = stored.Event with { Object = Clone(stored.Event.Object) } });
        }
    }

    private void Unsubscribe(Channel<StoredEvent> channel)
    {
        lock (gate)
        {
            subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    private static void ApplyDefaults(ResourceType type, JsonObject obj)
    {
        if (type == ResourceCatalog.Namespace)
        {
            obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            obj["status"] = new JsonObject { ["phase"] = "Active" };
            var labels = ObjectMeta.Metadata(obj)["labels"] as JsonObject ?? new JsonObject();
            labels["kubernetes.io/metadata.name"] = ObjectMeta.Name(obj);
            ObjectMeta.Metadata(obj)["labels"] = labels;
        }
        else if (type == ResourceCatalog.Secret)
        {
            obj["type"] ??= "Opaque";
            MergeStringData(obj);
        }
    }

    /// <summary>A secret's stringData is write-only: the API server folds it into data (base64) and never stores it.</summary>
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            secret.Remove("stringData");
            return;
        }

        var data = secret["data"] as JsonObject ?? new JsonObject();
        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
        }

        secret["data"] = data;
        secret.Remove("stringData");
    }

    private static JsonObject WithoutMetaAndStatus(JsonObject obj)
    {
        var copy = Clone(obj);
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static ResourceType TypeOf(string kind) =>
        ResourceCatalog.ByKind(kind) ?? throw new ArgumentException($"The sandbox does not serve kind {kind}.", nameof(kind));

    private static ResourceType TypeOf(JsonObject obj) => TypeOf(obj["kind"]?.GetValue<string>() ?? throw new ArgumentException("The object has no kind.", nameof(obj)));

    private static string Key(ResourceType type, string? @namespace, string name) =>
        type.Namespaced ? $"{type.GroupResource}/{@namespace}/{name}" : $"{type.GroupResource}/{name}";

    private static JsonObject Clone(JsonObject obj) => (JsonObject)obj.DeepClone();
}

/// <summary>A status write: when it was committed, to which object, at which resourceVersion and generation, and the status written.</summary>
public sealed record StatusChange(DateTimeOffset Time, string Kind, string? Namespace, string Name, long ResourceVersion, long? Generation, JsonObject? Status)
{
    public JsonObject ToJson() => new()
    {
        ["time"] = Time.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        ["kind"] = Kind,
        ["namespace"] = Namespace,
        ["name"] = Name,
        ["resourceVersion"] = ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["generation"] = Generation,
        ["status"] = Status?.DeepClone(),
    };
}

/// <summary>One stored change with the resourceVersion it produced.</summary>
public sealed record StoredEvent(long Version, ResourceType Type, WatchEvent Event);

/// <summary>An open watch on the store: replayed events, then live ones until disposed.</summary>
public sealed class StoreWatch(IReadOnlyList<StoredEvent> initial, ChannelReader<StoredEvent> live, long startVersion, Action stop) : IDisposable
{
    public IReadOnlyList<StoredEvent> Initial { get; } = initial;

    public ChannelReader<StoredEvent> Live { get; } = live;

    public long StartVersion { get; } = startVersion;

    public void Dispose() => stop();
}

/// <summary>How a write was asked for: dry run, field validation strictness, field manager.</summary>
public sealed record WriteOptions(bool DryRun, string FieldValidation, string? FieldManager)
{
    /// <summary>Warning headers to send (fieldValidation=Warn).</summary>
    public List<string> Warnings { get; } = [];

    public static readonly WriteOptions Controller = new(false, "Ignore", null);
}

/// <summary>Admission for writes: validates and prunes (CRD schemas) before an object is stored.</summary>
public interface IObjectAdmission
{
    void Admit(ResourceType type, JsonObject obj, WriteOptions options);
}
