using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// Legacy discovery documents (/api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}) and /version. Clients that
/// ask for aggregated discovery (apidiscovery.k8s.io/v2) accept these plain documents as kube-apiserver's fallback.
/// </summary>
public static class Discovery
{
    public const string KubernetesVersion = "v1.32.4";

    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject? Document(string path, string serverAddress)
    {
        var trimmed = path.TrimEnd('/');
        if (trimmed == "/api")
        {
            return new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
            };
        }

        if (trimmed == "/api/v1")
        {
            return ResourceList("v1", ResourceCatalog.InGroup("", "v1"));
        }

        if (trimmed == "/apis")
        {
            return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = new JsonArray(Group()) };
        }

        if (trimmed == $"/apis/{ResourceCatalog.ElasticsearchGroup}")
        {
            var group = Group();
            group["kind"] = "APIGroup";
            group["apiVersion"] = "v1";
            return group;
        }

        foreach (var version in new[] { "v1", "v1beta1" })
        {
            if (trimmed == $"/apis/{ResourceCatalog.ElasticsearchGroup}/{version}")
            {
                return ResourceList($"{ResourceCatalog.ElasticsearchGroup}/{version}", ResourceCatalog.InGroup(ResourceCatalog.ElasticsearchGroup, version));
            }
        }

        if (trimmed == "/version")
        {
            return new JsonObject
            {
                ["major"] = "1",
                ["minor"] = "32",
                ["gitVersion"] = KubernetesVersion,
                ["gitCommit"] = "0000000000000000000000000000000000000000",
                ["gitTreeState"] = "clean",
                ["buildDate"] = "2025-04-22T00:00:00Z",
                ["goVersion"] = "go1.23.6",
                ["compiler"] = "gc",
                ["platform"] = "linux/amd64",
            };
        }

        return null;
    }

    private static JsonObject Group()
    {
        var group = ResourceCatalog.ElasticsearchGroup;
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(
                new JsonObject { ["groupVersion"] = $"{group}/v1", ["version"] = "v1" },
                new JsonObject { ["groupVersion"] = $"{group}/v1beta1", ["version"] = "v1beta1" }),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/v1", ["version"] = "v1" },
        };
    }

    private static JsonObject ResourceList(string groupVersion, IEnumerable<ResourceType> types)
    {
        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(Verbs.Where(v => type != ResourceCatalog.Namespace || v != "deletecollection").Select(v => (JsonNode)v).ToArray()),
            };
            if (type.ShortNames.Count > 0)
            {
                resource["shortNames"] = new JsonArray(type.ShortNames.Select(s => (JsonNode)s).ToArray());
            }

            if (type.Categories.Count > 0)
            {
                resource["categories"] = new JsonArray(type.Categories.Select(s => (JsonNode)s).ToArray());
            }

            resources.Add(resource);
            if (type.HasStatusSubresource)
            {
                resources.Add(Subresource($"{type.Plural}/status", type, ["get", "patch", "update"]));
            }

            if (type == ResourceCatalog.Pod)
            {
                resources.Add(Subresource("pods/portforward", type, ["create", "get"], kind: "PodPortForwardOptions"));
                resources.Add(Subresource("pods/log", type, ["get"], kind: "Pod"));
            }
        }

        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    private static JsonObject Subresource(string name, ResourceType type, string[] verbs, string? kind = null) => new()
    {
        ["name"] = name,
        ["singularName"] = "",
        ["namespaced"] = type.Namespaced,
        ["kind"] = kind ?? type.Kind,
        ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
    };
}
