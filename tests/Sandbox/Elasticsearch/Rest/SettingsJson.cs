using System.Text.Json;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>Converts between Elasticsearch's nested and flat settings JSON; every value becomes a string.</summary>
public static class SettingsJson
{
    /// <summary>Flattens nested objects into dotted keys; a null value is kept as null (it removes the setting).</summary>
    public static Dictionary<string, SettingValue?> Flatten(JsonObject? obj)
    {
        var flat = new Dictionary<string, SettingValue?>(StringComparer.Ordinal);
        void Walk(string prefix, JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        Walk(prefix.Length == 0 ? key : $"{prefix}.{key}", value);
                    }

                    break;
                case JsonArray a:
                    flat[prefix] = SettingValue.Of([.. a.Select(ScalarText)]);
                    break;
                case null:
                    flat[prefix] = null;
                    break;
                default:
                    flat[prefix] = SettingValue.Of(ScalarText(node));
                    break;
            }
        }

        if (obj is not null)
        {
            Walk(string.Empty, obj);
        }

        return flat;
    }

    private static string ScalarText(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        _ => node.ToJsonString(),
    };

    public static JsonObject Render(IEnumerable<KeyValuePair<string, SettingValue>> settings, bool flat)
    {
        var result = new JsonObject();
        foreach (var (key, value) in settings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            JsonNode node = value.List is not null ? new JsonArray([.. value.List.Select(v => (JsonNode)v)]) : JsonValue.Create(value.Scalar)!;
            if (flat)
            {
                result[key] = node;
                continue;
            }

            var parts = key.Split('.');
            var target = result;
            foreach (var part in parts[..^1])
            {
                if (target[part] is not JsonObject child)
                {
                    child = new JsonObject();
                    target[part] = child;
                }

                target = child;
            }

            target[parts[^1]] = node;
        }

        return result;
    }
}
