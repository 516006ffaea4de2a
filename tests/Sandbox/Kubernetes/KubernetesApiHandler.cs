using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Sandbox.Kubernetes.Patching;
using Sandbox.Kubernetes.Protobuf;

namespace Sandbox.Kubernetes;

/// <summary>
/// The resource verbs of the API server: get, list, watch, create, update, patch (merge, json, strategic for built-ins,
/// apply), delete and deletecollection, with authentication, read-only RBAC, Table printing and v1beta1 conversion.
/// </summary>
public sealed class KubernetesApiHandler(
    ResourceStore store,
    Authenticator authenticator,
    TablePrinter printer,
    WatchStreamer watches,
    PortForwardEndpoint portForward,
    TimeProvider clock,
    CrdInstallation crds,
    OpenApiV3 openApi,
    Func<string, string, IReadOnlyList<string>?>? podLog = null)
{
    private const string MergePatchType = "application/merge-patch+json";
    private const string JsonPatchType = "application/json-patch+json";
    private const string StrategicPatchType = "application/strategic-merge-patch+json";
    private const string ApplyPatchType = "application/apply-patch+yaml";

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var user = authenticator.Authenticate(context.Request.Headers.Authorization) ?? throw StatusErrors.Unauthorized();
            var path = context.Request.Path.Value ?? "/";
            crds.ThrowIfHidden(path);
            if (context.Request.Method == HttpMethods.Get && Discovery.Document(path, $"{context.Request.Host}") is { } document)
            {
                await JsonResponses.WriteAsync(context, 200, crds.Filter(path, document));
                return;
            }

            if (context.Request.Method == HttpMethods.Get && path.TrimEnd('/') == OpenApiV3.Root)
            {
                await JsonResponses.WriteAsync(context, 200, crds.Filter(path, openApi.DiscoveryDocument()));
                return;
            }

            if (context.Request.Method == HttpMethods.Get && openApi.Find(path) is { } served)
            {
                await WriteOpenApiAsync(context, served);
                return;
            }

            var route = ApiRoute.Parse(path) ?? throw new KubernetesStatusException(404, "NotFound", "the server could not find the requested resource");
            await DispatchAsync(context, route, user);
        }
        catch (KubernetesStatusException error) when (!context.Response.HasStarted)
        {
            await JsonResponses.WriteErrorAsync(context, error);
        }
        catch (JsonException error) when (!context.Response.HasStarted)
        {
            await JsonResponses.WriteErrorAsync(context, StatusErrors.BadRequest($"error decoding body: {error.Message}"));
        }
        catch (YamlDotNet.Core.YamlException error) when (!context.Response.HasStarted)
        {
            await JsonResponses.WriteErrorAsync(context, StatusErrors.BadRequest($"error decoding YAML: {error.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (watches end this way).
        }
    }

    /// <summary>
    /// kube-openapi handler3's HandleGroupVersion: JSON only here (the protobuf form is not produced: 406 as for any
    /// type it cannot serve); a stale hash answers 301 to the current URL; the right one makes the answer immutable.
    /// </summary>
    private static async Task WriteOpenApiAsync(HttpContext context, ServedDocument served)
    {
        var accept = context.Request.Headers.Accept.ToString();
        context.Response.Headers.Vary = "Accept";
        if (accept.Length > 0 && !accept.Split(',').Select(a => a.Split(';')[0].Trim()).Any(a => a is "*/*" or "application/*" or "application/json"))
        {
            context.Response.StatusCode = 406;
            return;
        }

        context.Response.Headers.ETag = $"\"{served.Hash}\"";
        if (context.Request.Query["hash"].FirstOrDefault() is { Length: > 0 } hash)
        {
            if (hash != served.Hash)
            {
                context.Response.StatusCode = 301;
                context.Response.Headers.Location = served.ServerRelativeUrl;
                return;
            }

            context.Response.Headers.CacheControl = "public, immutable";
            context.Response.Headers.Expires = DateTimeOffset.UtcNow.AddYears(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(served.Json, context.RequestAborted);
    }

    private async Task DispatchAsync(HttpContext context, ApiRoute route, string user)
    {
        var request = context.Request;
        var query = request.Query;
        var isCollection = route.Name is null;
        var verb = (request.Method, isCollection) switch
        {
            ("GET", true) when IsTrue(query["watch"]) => "watch",
            ("GET", true) => "list",
            ("POST", true) => "create",
            ("DELETE", true) => "deletecollection",
            ("GET", false) when route.Subresource == "portforward" => "create",
            ("POST", false) when route.Subresource == "portforward" => "create",
            ("GET", false) => "get",
            ("PUT", false) => "update",
            ("PATCH", false) => "patch",
            ("DELETE", false) => "delete",
            _ => throw StatusErrors.MethodNotAllowed($"the server does not allow this method on the requested resource"),
        };
        if (!Authenticator.MayPerform(user, verb))
        {
            throw StatusErrors.Forbidden(user, verb, route.Type, route.Subresource, route.Type.Namespaced ? route.Namespace : null, route.Name);
        }

        if (route.Subresource is not null and not "status" and not "portforward" and not "log" || route.Subresource is "portforward" or "log" && route.Type != ResourceCatalog.Pod
            || route.Subresource == "status" && !route.Type.HasStatusSubresource)
        {
            throw new KubernetesStatusException(404, "NotFound", "the server could not find the requested resource");
        }

        var options = new WriteOptions(
            DryRun: query["dryRun"].ToString() == "All",
            FieldValidation: query["fieldValidation"].FirstOrDefault() ?? "Warn",
            FieldManager: query["fieldManager"].FirstOrDefault());
        var statusOnly = route.Subresource == "status";
        switch (verb)
        {
            case "watch":
                await watches.StreamAsync(context, route);
                return;
            case "list":
                await ListAsync(context, route);
                return;
            case "get" when route.Subresource == "portforward":
            case "create" when route.Subresource == "portforward":
                await portForward.HandleAsync(context, route);
                return;
            case "get" when route.Subresource == "log":
                await WritePodLogAsync(context, route);
                return;
            case "get":
                await RespondAsync(context, route, 200, store.Get(route.Type, route.Namespace, route.Name!));
                return;
            case "create":
                var created = store.Create(route.Type, route.Namespace, ToStorageVersion(route, await ReadObjectAsync(request)), options);
                await RespondAsync(context, route, 201, created, options);
                return;
            case "update":
                var replacement = ToStorageVersion(route, await ReadObjectAsync(request));
                await RespondAsync(context, route, 200, store.Update(route.Type, route.Namespace, route.Name!, replacement, options, statusOnly), options);
                return;
            case "patch":
                await PatchAsync(context, route, options, statusOnly);
                return;
            case "delete":
                await DeleteAsync(context, route, options);
                return;
            case "deletecollection":
                await DeleteCollectionAsync(context, route, options);
                return;
        }
    }

    /// <summary>
    /// pods/{name}/log, as the kubelet serves it through the API server: the container's console as text/plain
    /// (tailLines honoured); what an Elasticsearch pod prints is its ECS JSON log lines.
    /// </summary>
    private async Task WritePodLogAsync(HttpContext context, ApiRoute route)
    {
        store.Get(route.Type, route.Namespace, route.Name!);
        var lines = podLog?.Invoke(route.Namespace!, route.Name!) ?? [];
        if (int.TryParse(context.Request.Query["tailLines"].FirstOrDefault(), out var tail) && tail >= 0)
        {
            lines = [.. lines.TakeLast(tail)];
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(string.Concat(lines.Select(l => l + "\n")), context.RequestAborted);
    }

    private async Task ListAsync(HttpContext context, ApiRoute route)
    {
        var labels = LabelSelector.Parse(context.Request.Query["labelSelector"]);
        var fields = FieldSelector.Parse(context.Request.Query["fieldSelector"]);
        var compactedThrough = store.CompactedThrough;
        var (items, version) = store.List(route.Type, route.Namespace, o => labels.Matches(ObjectMeta.Labels(o)) && fields.Matches(o));
        var filtered = context.Request.Query["labelSelector"].ToString().Length > 0 || context.Request.Query["fieldSelector"].ToString().Length > 0;
        var page = ListPage.Select(context.Request, route.Type, route.Namespace, items, version, compactedThrough, filtered);
        var resourceVersion = page.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var converted = page.Items.Select(i => ToRequestedVersion(route, i)).ToList();
        var listMetadata = new JsonObject();
        if (page.Continue is not null)
        {
            listMetadata["continue"] = page.Continue;
        }

        if (page.RemainingItemCount is { } remaining)
        {
            listMetadata["remainingItemCount"] = remaining;
        }

        listMetadata["resourceVersion"] = resourceVersion;
        if (WantsTable(context.Request))
        {
            var table = printer.Table(route.Type, converted, resourceVersion, IncludeObject(context.Request));
            table["metadata"] = listMetadata;
            await JsonResponses.WriteAsync(context, 200, table);
            return;
        }

        if (route.Type.BuiltIn)
        {
            // Typed lists of built-in kinds carry no apiVersion/kind on their items.
            foreach (var item in converted)
            {
                item.Remove("apiVersion");
                item.Remove("kind");
            }
        }

        await JsonResponses.WriteAsync(context, 200, new JsonObject
        {
            ["apiVersion"] = route.Type.Group.Length == 0 ? route.RequestedVersion : $"{route.Type.Group}/{route.RequestedVersion}",
            ["items"] = new JsonArray(converted.Cast<JsonNode>().ToArray()),
            ["kind"] = $"{route.Type.Kind}List",
            ["metadata"] = listMetadata,
        });
    }

    private async Task PatchAsync(HttpContext context, ApiRoute route, WriteOptions options, bool statusOnly)
    {
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        IEnumerable<string> accepted = route.Type.BuiltIn
            ? [JsonPatchType, MergePatchType, StrategicPatchType, ApplyPatchType]
            : [JsonPatchType, MergePatchType, ApplyPatchType];
        if (!accepted.Contains(contentType))
        {
            throw StatusErrors.UnsupportedPatchType(contentType, accepted);
        }

        var body = await ReadBodyAsync(context.Request);
        if (contentType == ApplyPatchType)
        {
            await ApplyAsync(context, route, options, statusOnly, body);
            return;
        }

        var patch = JsonNode.Parse(body);
        var patched = store.Modify(route.Type, route.Namespace, route.Name!, current => contentType switch
        {
            MergePatchType => MergePatch.Apply(current, patch) as JsonObject ?? throw StatusErrors.BadRequest("the patch must be a JSON object"),
            JsonPatchType => JsonPatch.Apply(current, patch as JsonArray ?? throw StatusErrors.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")) as JsonObject
                ?? throw StatusErrors.PatchInvalid("the patch replaced the object with a non-object"),
            _ => StrategicMergePatch.Apply(current, patch as JsonObject ?? throw StatusErrors.BadRequest("the patch must be a JSON object")),
        }, options, statusOnly);
        await RespondAsync(context, route, 200, patched, options);
    }

    private async Task ApplyAsync(HttpContext context, ApiRoute route, WriteOptions options, bool statusOnly, string body)
    {
        var manager = options.FieldManager;
        if (string.IsNullOrEmpty(manager))
        {
            throw StatusErrors.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }

        var applied = YamlJson.Parse(body) as JsonObject ?? throw StatusErrors.BadRequest("error decoding YAML: the apply configuration must be an object");
        var now = ObjectMeta.Timestamp(clock.GetUtcNow());
        if (store.TryGet(route.Type, route.Namespace, route.Name!) is null && !statusOnly)
        {
            var created = ServerSideApply.Apply(new JsonObject { ["metadata"] = new JsonObject { ["name"] = route.Name } }, ToStorageVersion(route, applied), route.Type, manager, now);
            await RespondAsync(context, route, 201, store.Create(route.Type, route.Namespace, created, options), options);
            return;
        }

        var result = store.Modify(route.Type, route.Namespace, route.Name!, current =>
            ServerSideApply.Apply(current, ToStorageVersion(route, applied), route.Type, manager, now), options, statusOnly);
        await RespondAsync(context, route, 200, result, options);
    }

    private async Task DeleteAsync(HttpContext context, ApiRoute route, WriteOptions options)
    {
        // Typed clients may send DeleteOptions as protobuf; only JSON options (preconditions, dryRun) are honoured.
        var body = KubernetesProtobuf.IsProtobuf(context.Request.ContentType) ? "" : await ReadBodyAsync(context.Request);
        var deleteOptions = body.Trim().Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        var preconditions = deleteOptions?["preconditions"];
        var dryRun = options.DryRun || deleteOptions?["dryRun"] is JsonArray { Count: > 0 };
        var deleted = store.Delete(route.Type, route.Namespace, route.Name!, options with { DryRun = dryRun },
            preconditions?["uid"]?.GetValue<string>(), preconditions?["resourceVersion"]?.GetValue<string>());
        var returnsObject = route.Type == ResourceCatalog.Pod || route.Type == ResourceCatalog.Service
            || route.Type == ResourceCatalog.Namespace || !route.Type.BuiltIn;
        if (returnsObject)
        {
            await RespondAsync(context, route, 200, deleted);
        }
        else
        {
            await JsonResponses.WriteAsync(context, 200, StatusErrors.Success(route.Type, route.Name!, ObjectMeta.Uid(deleted)));
        }
    }

    private async Task DeleteCollectionAsync(HttpContext context, ApiRoute route, WriteOptions options)
    {
        var labels = LabelSelector.Parse(context.Request.Query["labelSelector"]);
        var fields = FieldSelector.Parse(context.Request.Query["fieldSelector"]);
        var (items, version) = store.List(route.Type, route.Namespace, o => labels.Matches(ObjectMeta.Labels(o)) && fields.Matches(o));
        var deleted = new List<JsonObject>();
        foreach (var item in items)
        {
            try
            {
                deleted.Add(store.Delete(route.Type, ObjectMeta.Namespace(item), ObjectMeta.Name(item)!, options));
            }
            catch (KubernetesStatusException e) when (e.Code == 404)
            {
                // Deleted meanwhile (by the garbage collector, for example).
            }
        }

        await JsonResponses.WriteAsync(context, 200, new JsonObject
        {
            ["apiVersion"] = route.Type.ApiVersion,
            ["items"] = new JsonArray(deleted.Select(d => (JsonNode)ToRequestedVersion(route, d)).ToArray()),
            ["kind"] = $"{route.Type.Kind}List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
    }

    private async Task RespondAsync(HttpContext context, ApiRoute route, int status, JsonObject obj, WriteOptions? options = null)
    {
        foreach (var warning in options?.Warnings ?? [])
        {
            context.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        var converted = ToRequestedVersion(route, obj);
        if (WantsTable(context.Request))
        {
            await JsonResponses.WriteAsync(context, status, printer.Table(route.Type, [converted], ObjectMeta.ResourceVersion(obj) ?? "", IncludeObject(context.Request)));
            return;
        }

        await JsonResponses.WriteAsync(context, status, converted);
    }

    /// <summary>ECK's v1beta1 and v1 share this schema subset: conversion only rewrites apiVersion.</summary>
    public static JsonObject ToRequestedVersion(ApiRoute route, JsonObject obj)
    {
        if (route.RequestedVersion != route.Type.Version && obj.ContainsKey("apiVersion"))
        {
            obj["apiVersion"] = $"{route.Type.Group}/{route.RequestedVersion}";
        }

        return obj;
    }

    private static JsonObject ToStorageVersion(ApiRoute route, JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        var kind = obj["kind"]?.GetValue<string>();
        if (kind is not null && kind != route.Type.Kind || apiVersion is not null && apiVersion != route.Type.ApiVersion && apiVersion != $"{route.Type.Group}/{route.RequestedVersion}".TrimStart('/'))
        {
            throw StatusErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({route.Type.ApiVersion})");
        }

        obj["apiVersion"] = route.Type.ApiVersion;
        obj["kind"] = route.Type.Kind;
        return obj;
    }

    public static bool WantsTable(HttpRequest request) => request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    public static string IncludeObject(HttpRequest request) => request.Query["includeObject"].FirstOrDefault() ?? "PartialObjectMetadata";

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        var contentType = request.ContentType ?? "";
        if (KubernetesProtobuf.IsProtobuf(contentType))
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            return KubernetesProtobuf.Decode(buffer.ToArray());
        }

        var body = await ReadBodyAsync(request);
        var node = contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase) ? YamlJson.Parse(body) : JsonNode.Parse(body);
        return node as JsonObject ?? throw StatusErrors.BadRequest("the request body must be an object");
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is "true" or "1";
}
