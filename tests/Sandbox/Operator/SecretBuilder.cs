using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>Opaque secrets as ECK writes them: labels of the cluster, base64 data, an ownerReference unless told not to.</summary>
internal static class SecretBuilder
{
    public static JsonObject Build(
        ElasticsearchResource es, string name, IReadOnlyDictionary<string, string> data,
        IReadOnlyDictionary<string, string>? extraLabels = null, bool ownerReference = true)
    {
        var labels = EckNames.ClusterLabels(es.Name);
        foreach (var (key, value) in extraLabels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        var encoded = new JsonObject();
        foreach (var (key, value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            encoded[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = ResourceWriter.Metadata(es.Namespace, name, labels, ownerReference ? es.OwnerReference() : null),
            ["type"] = "Opaque",
            ["data"] = encoded,
        };
    }

    public static string? ReadKey(JsonObject? secret, string key)
    {
        var value = (string?)secret?["data"]?[key];
        return value is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(value));
    }
}
