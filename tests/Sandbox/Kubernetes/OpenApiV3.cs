using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// /openapi/v3 and its group-version documents, reduced to what kubectl reads from them: for each kind a PATCH
/// operation tagged with x-kubernetes-group-version-kind that lists the fieldValidation query parameter, which tells
/// kubectl (create -f, apply, replace) to leave validation to the server (fieldValidation=Strict) instead of
/// downloading schemas. Without it kubectl refuses with "failed to download openapi". No component schemas are served:
/// kubectl then computes apply patches from its compiled-in types (built-ins) or as JSON merge patches (custom resources).
/// </summary>
public static class OpenApiV3
{
    private const string Hash = "sandbox";

    public static JsonObject? Document(string path)
    {
        var trimmed = path.TrimEnd('/');
        if (trimmed == "/openapi/v3")
        {
            var paths = new JsonObject();
            foreach (var groupVersion in GroupVersions())
            {
                paths[groupVersion.Path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{groupVersion.Path}?hash={Hash}" };
            }

            return new JsonObject { ["paths"] = paths };
        }

        var match = GroupVersions().FirstOrDefault(g => trimmed == $"/openapi/v3/{g.Path}");
        return match.Path is null ? null : GroupVersionDocument(match.Group, match.Version);
    }

    private static IEnumerable<(string Path, string Group, string Version)> GroupVersions()
    {
        yield return ("api/v1", "", "v1");
        yield return ($"apis/{ResourceCatalog.ElasticsearchGroup}/v1", ResourceCatalog.ElasticsearchGroup, "v1");
        yield return ($"apis/{ResourceCatalog.ElasticsearchGroup}/v1beta1", ResourceCatalog.ElasticsearchGroup, "v1beta1");
    }

    private static JsonObject GroupVersionDocument(string group, string version)
    {
        var paths = new JsonObject();
        foreach (var type in ResourceCatalog.InGroup(group, version))
        {
            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var itemPath = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}/{{name}}" : $"{prefix}/{type.Plural}/{{name}}";
            paths[itemPath] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{type.Kind}",
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind },
                    ["parameters"] = new JsonArray(
                        QueryParameter("dryRun"),
                        QueryParameter("fieldManager"),
                        QueryParameter("fieldValidation"),
                        QueryParameter("force")),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.KubernetesVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject QueryParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
