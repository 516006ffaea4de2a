using System.Globalization;
using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>Reads and writes the metadata fields the API server manages.</summary>
public static class ObjectMeta
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = new JsonObject();
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? Name(JsonObject obj) => String(obj, "name");

    public static string? Namespace(JsonObject obj) => String(obj, "namespace");

    public static string? ResourceVersion(JsonObject obj) => String(obj, "resourceVersion");

    public static string? Uid(JsonObject obj) => String(obj, "uid");

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) =>
        obj["metadata"]?["labels"] is JsonObject labels
            ? labels.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString())
            : new Dictionary<string, string>();

    public static DateTimeOffset? CreationTimestamp(JsonObject obj) =>
        String(obj, "creationTimestamp") is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    /// <summary>RFC 3339 with second precision, as metav1.Time serializes.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static IEnumerable<string> OwnerUids(JsonObject obj) =>
        obj["metadata"]?["ownerReferences"] is JsonArray owners
            ? owners.Select(o => o?["uid"]?.GetValue<string>()).OfType<string>()
            : [];

    private static string? String(JsonObject obj, string field) =>
        obj["metadata"]?[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
