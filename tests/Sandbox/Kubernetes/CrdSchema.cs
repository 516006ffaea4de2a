using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sandbox.Kubernetes;

/// <summary>
/// A CRD version's structural schema (openAPIV3Schema) applied as kube-apiserver applies it: unknown fields are pruned
/// (except under x-kubernetes-preserve-unknown-fields), then types, required fields, enums, bounds and patterns are
/// checked with kube-apiserver's field paths and messages.
/// </summary>
public sealed class CrdSchema
{
    private readonly JsonObject root;

    private CrdSchema(JsonObject root, JsonObject crd)
    {
        this.root = root;
        Crd = crd;
    }

    /// <summary>The whole CustomResourceDefinition (printer columns come from it).</summary>
    public JsonObject Crd { get; }

    public static CrdSchema LoadEmbedded(string resourceName, string version)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource {resourceName} is missing.");
        using var reader = new StreamReader(stream);
        var crd = (JsonObject)YamlJson.Parse(reader.ReadToEnd())!;
        var versionEntry = crd["spec"]!["versions"]!.AsArray().First(v => v!["name"]!.GetValue<string>() == version)!;
        return new CrdSchema((JsonObject)versionEntry["schema"]!["openAPIV3Schema"]!, crd);
    }

    /// <summary>The openAPIV3Schema of one of the CRD's versions (read-only: clone before changing it).</summary>
    public JsonObject VersionSchema(string version) =>
        (JsonObject)Crd["spec"]!["versions"]!.AsArray().First(v => v!["name"]!.GetValue<string>() == version)!["schema"]!["openAPIV3Schema"]!;

    public IReadOnlyList<JsonObject> PrinterColumns(string version) =>
        Crd["spec"]!["versions"]!.AsArray().First(v => v!["name"]!.GetValue<string>() == version)!["additionalPrinterColumns"]!
            .AsArray().Cast<JsonObject>().ToList();

    /// <summary>Prunes <paramref name="obj"/> in place; returns the pruned field paths and the validation errors.</summary>
    public (IReadOnlyList<string> Pruned, IReadOnlyList<FieldError> Errors) PruneAndValidate(JsonObject obj)
    {
        var pruned = new List<string>();
        var errors = new List<FieldError>();
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (root["properties"]?[key] is JsonObject propertySchema)
            {
                Walk(obj[key], propertySchema, key, pruned, errors, parent: obj, key);
            }
            else
            {
                pruned.Add(key);
                obj.Remove(key);
            }
        }

        CheckRequired(obj, root, "", errors);
        return (pruned, errors);
    }

    private static void Walk(JsonNode? node, JsonObject schema, string path, List<string> pruned, List<FieldError> errors, JsonNode parent, object slot)
    {
        if (node is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true)
            {
                // Structural-schema defaulting drops nulls for non-nullable fields rather than failing.
                Remove(parent, slot);
            }

            return;
        }

        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (!IsInteger(node) && KindOf(node) != "string")
            {
                errors.Add(FieldError.InvalidValue(path, Quote(KindOf(node)), $"{path} in body must be of type integer,string: {Quote(KindOf(node))}"));
            }

            return;
        }

        var expected = schema["type"]?.GetValue<string>();
        if (expected is not null && !Matches(node, expected))
        {
            errors.Add(FieldError.InvalidValue(path, Quote(KindOf(node)), $"{path} in body must be of type {expected}: {Quote(KindOf(node))}"));
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                WalkObject(obj, schema, path, pruned, errors);
                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    Walk(array[i], itemSchema, $"{path}[{i}]", pruned, errors, array, i);
                }

                break;
            case JsonValue value:
                CheckScalar(value, schema, path, errors);
                break;
        }
    }

    private static void WalkObject(JsonObject obj, JsonObject schema, string path, List<string> pruned, List<FieldError> errors)
    {
        var preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        var embedded = schema["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true;
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            var childPath = $"{path}.{key}";
            if (embedded && key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (properties?[key] is JsonObject propertySchema)
            {
                Walk(obj[key], propertySchema, childPath, pruned, errors, obj, key);
            }
            else if (additional is not null)
            {
                Walk(obj[key], additional, childPath, pruned, errors, obj, key);
            }
            else if (!preserveUnknown)
            {
                pruned.Add(childPath);
                obj.Remove(key);
            }
        }

        CheckRequired(obj, schema, path, errors);
    }

    private static void CheckRequired(JsonObject obj, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["required"] is not JsonArray required)
        {
            return;
        }

        foreach (var field in required.Select(r => r!.GetValue<string>()))
        {
            if (!obj.ContainsKey(field))
            {
                errors.Add(FieldError.Required(path.Length == 0 ? field : $"{path}.{field}"));
            }
        }
    }

    private static void CheckScalar(JsonValue value, JsonObject schema, string path, List<FieldError> errors)
    {
        var shown = Show(value);
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, shown, allowed.Select(a => Show(a!))));
        }

        if (schema["minimum"] is JsonValue minimum && value.GetValueKind() == JsonValueKind.Number && JsonNumbers.AsDouble(value) < JsonNumbers.AsDouble(minimum))
        {
            errors.Add(FieldError.InvalidValue(path, shown, $"{path} in body should be greater than or equal to {minimum.ToJsonString()}"));
        }

        if (value.TryGetValue<string>(out var text))
        {
            if (schema["maxLength"] is JsonValue maxLength && text.Length > JsonNumbers.AsLong(maxLength))
            {
                errors.Add(new FieldError(path, "FieldValueTooLong", $"Too long: may not be more than {JsonNumbers.AsLong(maxLength)} bytes"));
            }

            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                errors.Add(FieldError.InvalidValue(path, shown, $"{path} in body should match '{pattern}'"));
            }
        }
    }

    private static void Remove(JsonNode parent, object slot)
    {
        switch (parent, slot)
        {
            case (JsonObject obj, string key):
                obj.Remove(key);
                break;
            case (JsonArray array, int index):
                array.RemoveAt(index);
                break;
        }
    }

    private static bool Matches(JsonNode node, string expected) => expected switch
    {
        "object" => node is JsonObject,
        "array" => node is JsonArray,
        "string" => KindOf(node) == "string",
        "boolean" => KindOf(node) == "boolean",
        "integer" => IsInteger(node),
        "number" => KindOf(node) == "number",
        _ => true,
    };

    private static bool IsInteger(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && Math.Abs(JsonNumbers.AsDouble(value) % 1) < double.Epsilon;

    private static string KindOf(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "null",
    };

    private static string Show(JsonNode value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) ? Quote(text) : value.ToJsonString();

    private static string Quote(string text) => JsonSerializer.Serialize(text, JsonOptions.Unescaped);
}

/// <summary>Serializer options that print text as Go's %q would for ASCII (no \u escapes of quotes or angle brackets).</summary>
internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
