using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// Whether the Elasticsearch CRD is installed, so a test can see what a client meets on a cluster without ECK: the
/// group missing from discovery and every request under it answered with kube-apiserver's plain 404 Status (no
/// details.name, unlike a missing object). Stored objects are only hidden, not deleted, so installing it again
/// brings them back; the operator reads the store directly and keeps running.
/// </summary>
public sealed class CrdInstallation
{
    private volatile bool elasticsearchInstalled = true;

    public bool ElasticsearchInstalled
    {
        get => elasticsearchInstalled;
        set => elasticsearchInstalled = value;
    }

    /// <summary>Throws kube-apiserver's 404 for paths of the group while it is not installed.</summary>
    public void ThrowIfHidden(string path)
    {
        var trimmed = path.TrimEnd('/');
        var group = ResourceCatalog.ElasticsearchGroup;
        if (!ElasticsearchInstalled
            && (trimmed == $"/apis/{group}" || trimmed.StartsWith($"/apis/{group}/", StringComparison.Ordinal)
                || trimmed.StartsWith($"/openapi/v3/apis/{group}", StringComparison.Ordinal)))
        {
            throw new KubernetesStatusException(404, "NotFound", "the server could not find the requested resource");
        }
    }

    /// <summary>Drops the group from /apis and /openapi/v3 while it is not installed.</summary>
    public JsonObject Filter(string path, JsonObject document)
    {
        if (ElasticsearchInstalled)
        {
            return document;
        }

        var group = ResourceCatalog.ElasticsearchGroup;
        if (document["groups"] is JsonArray groups)
        {
            foreach (var entry in groups.Where(g => (string?)g?["name"] == group).ToList())
            {
                groups.Remove(entry);
            }
        }

        if (path.TrimEnd('/') == "/openapi/v3" && document["paths"] is JsonObject paths)
        {
            foreach (var key in paths.Select(p => p.Key).Where(k => k.StartsWith($"apis/{group}/", StringComparison.Ordinal)).ToList())
            {
                paths.Remove(key);
            }
        }

        return document;
    }
}
