using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// Create-or-update against the store the way ECK's reconciler package does: write only when the expected content
/// differs from what is stored, keep what the API server or other controllers filled in.
/// </summary>
internal sealed class ResourceWriter(IResourceStore store)
{
    public IResourceStore Store => store;

    /// <summary>
    /// Makes the stored object match <paramref name="expected"/>. <paramref name="merge"/> receives a copy of the existing
    /// object and the expected one and returns what should be stored; the write happens only if that differs.
    /// </summary>
    public JsonObject Reconcile(JsonObject expected, Func<JsonObject, JsonObject, JsonObject> merge)
    {
        var kind = (string)expected["kind"]!;
        var metadata = expected["metadata"]!.AsObject();
        var ns = (string?)metadata["namespace"];
        var name = (string)metadata["name"]!;
        for (var attempt = 0; ; attempt++)
        {
            var existing = store.Get(kind, ns, name);
            if (existing is null)
            {
                try
                {
                    return store.Create((JsonObject)expected.DeepClone());
                }
                catch (KubernetesStatusException e) when (e.Code == 409 && attempt < 5)
                {
                    continue;
                }
            }

            var merged = merge((JsonObject)existing.DeepClone(), (JsonObject)expected.DeepClone());
            if (JsonNode.DeepEquals(merged, existing))
            {
                return existing;
            }

            try
            {
                return store.Update(merged);
            }
            catch (KubernetesStatusException e) when (e.Code == 409 && attempt < 5)
            {
            }
        }
    }

    /// <summary>Replaces labels, annotations, ownerReferences and the given top-level fields (data, spec...).</summary>
    public static JsonObject ReplaceFields(JsonObject existing, JsonObject expected, params string[] fields)
    {
        var existingMeta = existing["metadata"]!.AsObject();
        var expectedMeta = expected["metadata"]!.AsObject();
        foreach (var key in new[] { "labels", "annotations", "ownerReferences" })
        {
            existingMeta.Remove(key);
            if (expectedMeta[key] is { } value)
            {
                existingMeta[key] = value.DeepClone();
            }
        }

        foreach (var field in fields)
        {
            existing.Remove(field);
            if (expected[field] is { } value)
            {
                existing[field] = value.DeepClone();
            }
        }

        return existing;
    }

    public bool Delete(string kind, string ns, string name) => store.Delete(kind, ns, name);

    public static JsonObject Metadata(string ns, string name, IReadOnlyDictionary<string, string> labels, JsonObject? ownerReference)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = StringMap(labels),
        };
        if (ownerReference is not null)
        {
            metadata["ownerReferences"] = new JsonArray(ownerReference.DeepClone());
        }

        return metadata;
    }

    public static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> values)
    {
        var map = new JsonObject();
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }

        return map;
    }
}
