using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes.Patching;

/// <summary>
/// Server-side apply, a subset: the applied configuration is merged into the live object (built-ins merge lists by their
/// merge keys, custom resources replace lists), fields the same manager applied before and now omits are removed, and
/// the manager's field set is recorded in metadata.managedFields (operation Apply, fieldsV1). Conflicts with other
/// managers are not detected.
/// </summary>
public static class ServerSideApply
{
    public static JsonObject Apply(JsonObject live, JsonObject applied, ResourceType type, string manager, string now)
    {
        var newFields = FieldSet(applied, "");
        var metadata = ObjectMeta.Metadata(live);
        var managedFields = metadata["managedFields"] as JsonArray ?? new JsonArray();
        var previous = managedFields.OfType<JsonObject>()
            .FirstOrDefault(e => e["manager"]?.GetValue<string>() == manager && e["operation"]?.GetValue<string>() == "Apply");
        if (previous?["fieldsV1"] is JsonObject previousFields)
        {
            RemoveDropped(live, previousFields, newFields);
        }

        var configuration = (JsonObject)applied.DeepClone();
        if (configuration["metadata"] is JsonObject appliedMetadata)
        {
            foreach (var managed in new[] { "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields" })
            {
                appliedMetadata.Remove(managed);
            }
        }

        var merged = type.BuiltIn
            ? StrategicMergePatch.Apply(live, configuration)
            : (JsonObject)MergePatch.Apply(live, WithoutNulls(configuration))!;

        var entry = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = "Apply",
            ["apiVersion"] = type.ApiVersion,
            ["time"] = now,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = newFields,
        };
        var entries = new JsonArray(managedFields.Where(e => e != previous).Select(e => e!.DeepClone()).Append(entry).ToArray());
        ObjectMeta.Metadata(merged)["managedFields"] = entries;
        return merged;
    }

    /// <summary>The fieldsV1 set of a configuration: "f:name" per field, "k:{...}" per keyed list element, "v:..." per set value.</summary>
    public static JsonObject FieldSet(JsonObject configuration, string field)
    {
        var set = new JsonObject();
        foreach (var (key, value) in configuration)
        {
            if (field.Length == 0 && key is "apiVersion" or "kind")
            {
                continue;
            }

            if (field == "metadata" && key is "name" or "namespace" or "resourceVersion" or "uid" or "managedFields" or "creationTimestamp" or "generation")
            {
                continue;
            }

            set[$"f:{key}"] = value switch
            {
                JsonObject child => FieldSet(child, key),
                JsonArray list when MergeKeys.For(field, key) is { } mergeKey => KeyedElements(list, mergeKey, key),
                JsonArray list when MergeKeys.IsPrimitiveMerge(field, key) =>
                    new JsonObject(list.Select(v => KeyValuePair.Create($"v:{v!.ToJsonString()}", (JsonNode?)new JsonObject()))),
                _ => new JsonObject(),
            };
        }

        if (field.Length > 0 && set.Count > 0 && configuration.Count > 0)
        {
            set["."] = new JsonObject();
        }

        return set;
    }

    private static JsonObject KeyedElements(JsonArray list, string mergeKey, string field)
    {
        var set = new JsonObject();
        foreach (var element in list.OfType<JsonObject>())
        {
            var elementSet = FieldSet(element, field);
            elementSet["."] = new JsonObject();
            set[$"k:{{\"{mergeKey}\":{element[mergeKey]?.ToJsonString()}}}"] = elementSet;
        }

        return set;
    }

    private static void RemoveDropped(JsonObject live, JsonObject previous, JsonObject current)
    {
        foreach (var (key, previousChild) in previous)
        {
            if (key == "." || !key.StartsWith("f:", StringComparison.Ordinal))
            {
                continue;
            }

            if (!current.ContainsKey(key))
            {
                live.Remove(key[2..]);
            }
            else if (previousChild is JsonObject { Count: > 0 } previousObject && current[key] is JsonObject currentChild)
            {
                Recurse(live, key[2..], previousObject, currentChild);
            }
        }
    }

    private static void Recurse(JsonObject live, string field, JsonObject previous, JsonObject current)
    {
        if (live[field] is JsonObject child)
        {
            RemoveDropped(child, previous, current);
        }
        else if (live[field] is JsonArray list)
        {
            foreach (var (elementKey, previousElement) in previous)
            {
                if (!elementKey.StartsWith("k:", StringComparison.Ordinal))
                {
                    continue;
                }

                var match = (JsonObject)JsonNode.Parse(elementKey[2..])!;
                var element = list.OfType<JsonObject>().FirstOrDefault(e => match.All(m => JsonNode.DeepEquals(e[m.Key], m.Value)));
                if (element is null)
                {
                    continue;
                }

                if (current[elementKey] is JsonObject currentElement)
                {
                    RemoveDropped(element, (JsonObject)previousElement!, currentElement);
                }
                else
                {
                    list.Remove(element);
                }
            }
        }
    }

    private static JsonObject WithoutNulls(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            obj.Remove(key);
        }

        return obj;
    }
}
