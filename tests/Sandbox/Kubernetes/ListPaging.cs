using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Sandbox.Kubernetes;

/// <summary>
/// List chunking (limit/continue) as kube-apiserver's etcd3 storage does it: items in key order ("namespace/name"
/// across namespaces, "name" within one), a continue token that is base64url JSON {v, rv, start} where start is the last
/// returned key relative to the list's prefix plus a NUL, remainingItemCount only when no selector filtered the list,
/// and later pages reporting the resourceVersion of the first. Unlike etcd, later pages see the current objects rather
/// than a snapshot at that version (harmless for the sandbox's small, slowly changing lists).
/// </summary>
public sealed record ListPage(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount)
{
    private const string TokenVersion = "meta.k8s.io/v1";

    /// <summary>Cuts the page the request asks for out of <paramref name="items"/> (already in key order).</summary>
    public static ListPage Select(HttpRequest request, ResourceType type, string? @namespace, IReadOnlyList<JsonObject> items, long currentVersion,
        long compactedThrough, bool filtered)
    {
        var limit = ParseLimit(request.Query["limit"]);
        var token = request.Query["continue"].ToString();
        var version = currentVersion;
        IEnumerable<JsonObject> remaining = items;
        if (token.Length > 0)
        {
            var resourceVersion = request.Query["resourceVersion"].ToString();
            if (resourceVersion.Length > 0 && resourceVersion != "0")
            {
                throw StatusErrors.BadRequest("specifying resource version is not allowed when using continue");
            }

            var (tokenVersion, start) = Decode(token);
            if (tokenVersion < compactedThrough)
            {
                throw StatusErrors.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, "
                    + "or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - "
                    + "objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            }

            version = tokenVersion;
            remaining = items.Where(i => string.CompareOrdinal(RelativeKey(type, @namespace, i), start) >= 0);
        }

        var rest = remaining.ToList();
        if (limit is not { } size || rest.Count <= size)
        {
            return new ListPage(rest, version, null, null);
        }

        var page = rest.Take((int)Math.Min(size, int.MaxValue)).ToList();
        var next = Encode(version, RelativeKey(type, @namespace, page[^1]) + "\0");
        return new ListPage(page, version, next, filtered ? null : rest.Count - size);
    }

    private static long? ParseLimit(Microsoft.Extensions.Primitives.StringValues value)
    {
        // kube-apiserver treats a missing, zero or negative limit as "no limit"; a non-number fails to decode the options.
        var text = value.ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit))
        {
            throw StatusErrors.BadRequest($"strconv.ParseInt: parsing \"{text}\": invalid syntax");
        }

        return limit > 0 ? limit : null;
    }

    /// <summary>The key etcd would store the item under, relative to the list's prefix.</summary>
    private static string RelativeKey(ResourceType type, string? @namespace, JsonObject item) =>
        type.Namespaced && @namespace is null ? $"{ObjectMeta.Namespace(item)}/{ObjectMeta.Name(item)}" : ObjectMeta.Name(item) ?? "";

    private static string Encode(long resourceVersion, string start)
    {
        var json = new JsonObject { ["v"] = TokenVersion, ["rv"] = resourceVersion, ["start"] = start }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (long ResourceVersion, string Start) Decode(string token)
    {
        byte[] data;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            data = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            throw Invalid($"illegal base64 data at input byte {FirstBadBase64Byte(token)}");
        }

        JsonObject? parsed;
        try
        {
            parsed = JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException e)
        {
            throw Invalid(e.Message);
        }

        if ((string?)parsed?["v"] != TokenVersion)
        {
            throw Invalid("server does not recognize this encoded version");
        }

        var resourceVersion = parsed!["rv"] is JsonValue rv && rv.TryGetValue<long>(out var number) ? number : 0;
        if (resourceVersion == 0)
        {
            throw Invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }

        var start = (string?)parsed["start"];
        if (string.IsNullOrEmpty(start))
        {
            throw Invalid("encoded start key empty (version meta.k8s.io/v1)");
        }

        return (resourceVersion, start);
    }

    private static int FirstBadBase64Byte(string token)
    {
        for (var i = 0; i < token.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(token[i]) && token[i] is not '-' and not '_')
            {
                return i;
            }
        }

        return token.Length;
    }

    private static KubernetesStatusException Invalid(string reason) =>
        StatusErrors.BadRequest($"invalid continue token: continue key is not valid: {reason}");
}
