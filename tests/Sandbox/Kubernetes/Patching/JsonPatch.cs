using System.Globalization;
using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes.Patching;

/// <summary>JSON patch (RFC 6902) with JSON pointers (RFC 6901); failures carry the texts kube-apiserver's json-patch library uses.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var root = new JsonObject { ["doc"] = document.DeepClone() };
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = operation["op"]?.GetValue<string>() ?? throw Invalid("Unexpected kind: unknown");
            var path = operation["path"]?.GetValue<string>() ?? throw Invalid($"missing path for {op} operation");
            switch (op)
            {
                case "add":
                    Add(root, path, operation["value"]?.DeepClone(), op);
                    break;
                case "remove":
                    Remove(root, path, op);
                    break;
                case "replace":
                    Remove(root, path, op);
                    Add(root, path, operation["value"]?.DeepClone(), op);
                    break;
                case "move":
                    var moved = Remove(root, From(operation, op), op);
                    Add(root, path, moved, op);
                    break;
                case "copy":
                    Add(root, path, Resolve(root, From(operation, op), op)?.DeepClone(), op);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(root, path, op), operation["value"]))
                    {
                        throw Invalid($"testing value {path} failed: test failed");
                    }

                    break;
                default:
                    throw Invalid($"Unexpected kind: {op}");
            }
        }

        return root["doc"]!;
    }

    private static string From(JsonObject operation, string op) =>
        operation["from"]?.GetValue<string>() ?? throw Invalid($"missing from for {op} operation");

    private static JsonNode? Resolve(JsonObject root, string path, string op)
    {
        var (parent, key) = Parent(root, path, op);
        return parent switch
        {
            JsonObject obj when obj.ContainsKey(key) => obj[key],
            JsonArray array when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
            _ => throw Missing(op, path),
        };
    }

    private static void Add(JsonObject root, string path, JsonNode? value, string op)
    {
        var (parent, key) = Parent(root, path, op);
        switch (parent)
        {
            case JsonObject obj:
                obj[key] = value;
                break;
            case JsonArray array when key == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= array.Count:
                array.Insert(index, value);
                break;
            default:
                throw Missing(op, path);
        }
    }

    private static JsonNode? Remove(JsonObject root, string path, string op)
    {
        var (parent, key) = Parent(root, path, op);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(key):
                var removed = obj[key];
                obj.Remove(key);
                return removed;
            case JsonArray array when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count:
                var element = array[index];
                array.RemoveAt(index);
                return element;
            default:
                throw Missing(op, path);
        }
    }

    private static (JsonNode Parent, string Key) Parent(JsonObject root, string path, string op)
    {
        if (path.Length > 0 && path[0] != '/')
        {
            throw Invalid($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        var tokens = new[] { "doc" }.Concat(path.Length == 0 ? [] : path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~"))).ToArray();
        JsonNode current = root;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            current = current switch
            {
                JsonObject obj when obj[tokens[i]] is { } child => child,
                JsonArray array when int.TryParse(tokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count && array[index] is { } item => item,
                _ => throw Missing(op, path),
            };
        }

        return (current, tokens[^1]);
    }

    private static KubernetesStatusException Missing(string op, string path) =>
        Invalid(op == "add" || op == "copy" || op == "move"
            ? $"{op} operation does not apply: doc is missing path: \"{path}\": missing value"
            : $"{op} operation does not apply: doc is missing key: {path}: missing value");

    private static KubernetesStatusException Invalid(string message) => StatusErrors.PatchInvalid(message);
}
