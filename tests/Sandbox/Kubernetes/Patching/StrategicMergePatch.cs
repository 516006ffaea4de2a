using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes.Patching;

/// <summary>
/// Strategic merge patch for the built-in kinds: maps merge, lists with a merge key merge element by element, and the
/// $patch, $retainKeys, $setElementOrder and $deleteFromPrimitiveList directives kubectl sends are honoured.
/// </summary>
public static class StrategicMergePatch
{
    public static JsonObject Apply(JsonObject target, JsonObject patch) => MergeObject(target, patch, "");

    private static JsonObject MergeObject(JsonObject target, JsonObject patch, string field)
    {
        var directive = patch["$patch"]?.GetValue<string>();
        if (directive == "replace")
        {
            var replacement = (JsonObject)patch.DeepClone();
            replacement.Remove("$patch");
            return replacement;
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k!.GetValue<string>()).ToHashSet();
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var listField = key["$deleteFromPrimitiveList/".Length..];
                if (target[listField] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject childPatch && childPatch["$patch"]?.GetValue<string>() == "delete")
            {
                target.Remove(key);
            }
            else if (value is JsonObject childObject)
            {
                target[key] = MergeObject(target[key] as JsonObject ?? new JsonObject(), childObject, key);
            }
            else if (value is JsonArray childArray)
            {
                target[key] = MergeList(target[key] as JsonArray, childArray, field, key);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }

        return target;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string parent, string field)
    {
        var mergeKey = MergeKeys.For(parent, field);
        if (MergeKeys.IsPrimitiveMerge(parent, field))
        {
            var union = target is null ? new JsonArray() : (JsonArray)target.DeepClone();
            foreach (var item in patch.Where(i => !union.Any(u => JsonNode.DeepEquals(u, i))))
            {
                union.Add(item?.DeepClone());
            }

            return union;
        }

        if (mergeKey is null || patch.Any(i => i is JsonObject o && o["$patch"]?.GetValue<string>() == "replace"))
        {
            return new JsonArray(patch.Where(i => i is not JsonObject o || o["$patch"] is null).Select(i => i?.DeepClone()).ToArray());
        }

        var result = target is null ? new JsonArray() : (JsonArray)target.DeepClone();
        foreach (var element in patch.OfType<JsonObject>())
        {
            var keyValue = element[mergeKey];
            var existing = result.OfType<JsonObject>().FirstOrDefault(e => JsonNode.DeepEquals(e[mergeKey], keyValue));
            if (element["$patch"]?.GetValue<string>() == "delete")
            {
                if (existing is not null)
                {
                    result.Remove(existing);
                }
            }
            else if (existing is not null)
            {
                MergeObject(existing, element, field);
            }
            else
            {
                result.Add(MergeObject(new JsonObject(), element, field));
            }
        }

        return result;
    }
}
