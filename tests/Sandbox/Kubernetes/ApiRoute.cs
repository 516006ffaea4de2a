namespace Sandbox.Kubernetes;

/// <summary>
/// A resource request path taken apart: /api/v1/namespaces/{ns}/{plural}/{name}/{subresource} and the
/// /apis/{group}/{version}/... form, cluster-scoped collections, and namespaces' own subresources.
/// </summary>
public sealed record ApiRoute(ResourceType Type, string RequestedVersion, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Returns null when the path is not a resource path (discovery handles those), throws 404 for unknown resources.</summary>
    public static ApiRoute? Parse(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];
        string? @namespace = null;
        if (tail.Length >= 3 && tail[0] == "namespaces" && !IsNamespaceSubresource(tail))
        {
            @namespace = tail[1];
            tail = tail[2..];
        }

        var type = ResourceCatalog.ByPlural(group, tail[0]);
        if (type is null || !type.Serves(version) || tail.Length > 3)
        {
            throw new KubernetesStatusException(404, "NotFound", "the server could not find the requested resource");
        }

        return new ApiRoute(type, version, @namespace, tail.Length > 1 ? tail[1] : null, tail.Length > 2 ? tail[2] : null);
    }

    private static bool IsNamespaceSubresource(string[] tail) => tail.Length == 3 && tail[2] is "status" or "finalize";
}
