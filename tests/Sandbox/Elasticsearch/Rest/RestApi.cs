using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// The REST layer of a node: product header, compatible-with media types, body parsing, authentication, routing and
/// Elasticsearch's error bodies. The handlers live in the partial files beside this one, one per API area.
/// </summary>
public static partial class RestApi
{
    private delegate Task<RestResponse> Handler(RestRequest request);

    /// <param name="Available">Whether the node's version has the endpoint (null: every version); absent ones are "no handler".</param>
    private sealed record Route(string Method, string[] Template, Handler Handler, ClusterAction? Action, Func<EsVersion, bool>? Available);

    private static readonly Regex CompatibleWith = new(@"compatible-with\s*=\s*(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Route[] Routes = BuildRoutes();

    private static Route[] BuildRoutes()
    {
        var routes = new List<Route>();
        void Map(string methods, string template, Handler handler, ClusterAction? action = null, Func<EsVersion, bool>? available = null)
        {
            foreach (var method in methods.Split('|'))
            {
                routes.Add(new Route(method, template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries), handler, action, available));
            }
        }

        Map("GET|HEAD", "/", Info, ClusterAction.Monitor("cluster:monitor/main"));
        Map("GET", "/_cluster/health", ClusterHealth, ClusterAction.Monitor("cluster:monitor/health"));
        Map("GET", "/_security/_authenticate", Authenticate);
        Map("POST|PUT", "/_security/api_key", CreateRestApiKey, ClusterAction.ApiKeys("cluster:admin/xpack/security/api_key/create"));
        Map("GET", "/_security/api_key", GetApiKeys, ClusterAction.ApiKeys("cluster:admin/xpack/security/api_key/get"));
        Map("PUT", "/_security/api_key/{id}", UpdateRestApiKey, ClusterAction.ApiKeys("cluster:admin/xpack/security/api_key/update"));
        Map("DELETE", "/_security/api_key", InvalidateApiKeys, ClusterAction.ApiKeys("cluster:admin/xpack/security/api_key/invalidate"));
        Map("POST", "/_security/cross_cluster/api_key", CreateCrossClusterApiKey, ClusterAction.Security("cluster:admin/xpack/security/cross_cluster/api_key/create"));
        Map("PUT", "/_security/cross_cluster/api_key/{id}", UpdateCrossClusterApiKey, ClusterAction.Security("cluster:admin/xpack/security/cross_cluster/api_key/update"));
        Map("PUT|POST", "/_security/role/{name}", PutRole, ClusterAction.Security("cluster:admin/xpack/security/role/put"));
        Map("GET", "/_security/role/{name}", GetRole, ClusterAction.Security("cluster:admin/xpack/security/role/get"));
        Map("GET", "/_security/role", GetRole, ClusterAction.Security("cluster:admin/xpack/security/role/get"));
        Map("DELETE", "/_security/role/{name}", DeleteRole, ClusterAction.Security("cluster:admin/xpack/security/role/delete"));
        Map("PUT|POST", "/_security/user/_password", ChangePassword);
        Map("PUT|POST", "/_security/user/{username}", PutUser, ClusterAction.Security("cluster:admin/xpack/security/user/put"));
        Map("GET", "/_security/user/{username}", GetUsers, ClusterAction.Security("cluster:admin/xpack/security/user/get"));
        Map("GET", "/_security/user", GetUsers, ClusterAction.Security("cluster:admin/xpack/security/user/get"));
        Map("DELETE", "/_security/user/{username}", DeleteUser, ClusterAction.Security("cluster:admin/xpack/security/user/delete"));
        Map("PUT|POST", "/_security/user/{username}/_password", ChangePassword);
        Map("PUT|POST", "/_security/user/{username}/_enable", EnableUser, ClusterAction.Security("cluster:admin/xpack/security/user/set_enabled"));
        Map("PUT|POST", "/_security/user/{username}/_disable", DisableUser, ClusterAction.Security("cluster:admin/xpack/security/user/set_enabled"));
        Map("GET", "/_cluster/settings", GetClusterSettings, ClusterAction.Monitor("cluster:monitor/settings"));
        Map("PUT", "/_cluster/settings", PutClusterSettings, ClusterAction.Manage("cluster:admin/settings/update"));
        Map("GET", "/_remote/info", RemoteInfo, ClusterAction.Monitor("cluster:monitor/remote/info"));
        Map("GET", "/_resolve/cluster/{name}", ResolveCluster, available: v => v.HasResolveCluster);
        Map("GET", "/_resolve/cluster", ResolveCluster, available: v => v.HasResolveClusterTimeout);
        Map("POST", "/_nodes/reload_secure_settings", ReloadSecureSettings, ClusterAction.Manage("cluster:admin/nodes/reload_secure_settings"));
        Map("POST", "/_nodes/{node_id}/reload_secure_settings", ReloadSecureSettings, ClusterAction.Manage("cluster:admin/nodes/reload_secure_settings"));
        Map("GET", "/_nodes", NodesInfo, ClusterAction.Monitor("cluster:monitor/nodes/info"));
        Map("GET", "/_nodes/{node_id}", NodesInfo, ClusterAction.Monitor("cluster:monitor/nodes/info"));
        Map("GET", "/_nodes/{node_id}/{metric}", NodesInfo, ClusterAction.Monitor("cluster:monitor/nodes/info"));
        Map("POST|GET", "/_flush", Flush);
        Map("GET|POST", "/_refresh", Refresh);
        Map("GET|POST", "/{index}/_refresh", Refresh);
        Map("GET|POST", "/_search", Search);
        Map("GET|POST", "/{index}/_search", Search);
        Map("PUT|POST", "/{index}/_doc/{id}", IndexDocument);
        Map("POST", "/{index}/_doc", IndexDocument);
        return [.. routes];
    }

    public static async Task HandleAsync(HttpContext context, EsNode node)
    {
        var http = context.Request;
        var response = context.Response;
        response.Headers["X-elastic-product"] = "Elasticsearch";
        var contentType = "application/json";
        var isHead = HttpMethods.IsHead(http.Method);
        var uri = http.Path.Value + http.QueryString.Value;
        try
        {
            contentType = NegotiateMediaType(http, node.Cluster.State.Version);
            var principal = RestAuthenticator.Authenticate(http.Headers.Authorization.ToString(), uri, node.Cluster.State);
            context.Items["es.user"] = principal.Username;
            var (route, parameters, allowed) = Match(http.Method, http.Path.Value ?? "/", node.Cluster.State.Version);
            if (route is null)
            {
                await WriteRawErrorAsync(context, contentType, allowed.Count > 0
                    ? (405, $"Incorrect HTTP method for uri [{uri}] and method [{http.Method}], allowed: [{string.Join(", ", allowed)}]")
                    : (400, $"no handler found for uri [{uri}] and method [{http.Method}]"), allowed);
                return;
            }

            route.Action?.Authorize(principal);
            var (rawBody, body) = await ReadBodyAsync(http);
            var request = new RestRequest
            {
                Method = http.Method,
                Path = http.Path.Value ?? "/",
                Query = http.Query,
                PathParameters = parameters,
                Body = body,
                RawBody = rawBody,
                Principal = principal,
                Node = node,
            };
            var result = await route.Handler(request);
            response.StatusCode = result.Status;
            response.ContentType = contentType;
            await WriteBodyAsync(context, result.Body is null ? null : Render(result.Body, http), isHead);
        }
        catch (Exception e) when (e is not EsException && !context.RequestAborted.IsCancellationRequested)
        {
            // A defect in the sandbox still answers in Elasticsearch's format, so a test sees what went wrong.
            await WriteErrorAsync(context, new EsException(500, "exception", e.ToString()), contentType, isHead, http);
        }
        catch (EsException e)
        {
            await WriteErrorAsync(context, e, contentType, isHead, http);
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, EsException e, string contentType, bool isHead, HttpRequest http)
    {
        var response = context.Response;
        response.StatusCode = e.Status;
        foreach (var (name, values) in e.Headers)
        {
            response.Headers[name] = values;
        }

        response.ContentType = contentType;
        await WriteBodyAsync(context, Render(e.ToResponseBody(), http), isHead);
    }

    /// <summary>
    /// Writes a whole body with Content-Length, as Elasticsearch sends its (non-streamed) responses; HEAD announces the length
    /// the GET body has and sends none (DefaultRestChannel). Without the length Kestrel would answer with chunked encoding.
    /// </summary>
    private static async Task WriteBodyAsync(HttpContext context, string? body, bool isHead)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        if (!isHead && bytes.Length > 0)
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    /// <summary>Writes the body of a fault injected by the control plane, in Elasticsearch's error format.</summary>
    public static Task WriteFaultAsync(HttpContext context, int status)
    {
        var (type, reason) = status switch
        {
            429 => ("es_rejected_execution_exception", "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=0]"),
            503 => ("cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];"),
            409 => ("version_conflict_engine_exception", "version conflict, document already exists"),
            _ => ("exception", "injected fault"),
        };
        context.Response.StatusCode = status;
        context.Response.Headers["X-elastic-product"] = "Elasticsearch";
        context.Response.ContentType = "application/json";
        return WriteBodyAsync(context, new EsException(status, type, reason).ToResponseBody().ToJsonString(), HttpMethods.IsHead(context.Request.Method));
    }

    /// <summary>
    /// Accept/Content-Type <c>application/vnd.elasticsearch+json;compatible-with=N</c> is accepted for the node's major and
    /// the one before it; the response's Content-Type then mirrors it.
    /// </summary>
    private static string NegotiateMediaType(HttpRequest http, EsVersion version)
    {
        var accept = http.Headers.Accept.ToString();
        var sent = http.ContentType ?? string.Empty;
        var requested = CompatibleWith.Match(accept) is { Success: true } a ? a : CompatibleWith.Match(sent);
        if (!requested.Success)
        {
            return "application/json";
        }

        var major = int.Parse(requested.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (major != version.Major && major != version.Major - 1)
        {
            var header = CompatibleWith.IsMatch(accept) ? "Accept" : "Content-Type";
            throw new EsException(400, "media_type_header_exception", $"Invalid media-type value on headers [{header}]",
                new EsException(400, "status_exception",
                    $"A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept={accept}, Content-Type={sent}"));
        }

        return $"application/vnd.elasticsearch+json;compatible-with={major}";
    }

    private static (Route? Route, Dictionary<string, string> Parameters, List<string> AllowedMethods) Match(string method, string path, EsVersion version)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var allowed = new List<string>();
        foreach (var route in Routes)
        {
            if (route.Template.Length != segments.Length || route.Available?.Invoke(version) == false)
            {
                continue;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            var matches = true;
            for (var i = 0; i < segments.Length && matches; i++)
            {
                var part = route.Template[i];
                if (part.StartsWith('{'))
                {
                    // A parameter never swallows an API name such as _search.
                    matches = !(segments[i].StartsWith('_') && part is "{index}" or "{node_id}") || segments[i] == "_all"
                        || (part == "{node_id}" && segments[i] is "_local" or "_master" or "_elected_master");
                    parameters[part.Trim('{', '}')] = segments[i];
                }
                else
                {
                    matches = part == segments[i];
                }
            }

            if (!matches)
            {
                continue;
            }

            if (route.Method == method)
            {
                return (route, parameters, allowed);
            }

            allowed.Add(route.Method);
        }

        return (null, [], allowed.Distinct().ToList());
    }

    private static async Task<(string? Text, JsonNode? Json)> ReadBodyAsync(HttpRequest http)
    {
        using var reader = new StreamReader(await DecodedBodyAsync(http), Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            return (text, JsonNode.Parse(text));
        }
        catch (JsonException e)
        {
            throw new EsException(400, "x_content_parse_exception", $"[1:{(e.BytePositionInLine ?? 0) + 1}] Unexpected character: {e.Message}");
        }
    }

    /// <summary>
    /// The request body with its Content-Encoding undone. Netty's HttpContentDecompressor is in every Elasticsearch HTTP
    /// pipeline whatever http.compression says (that setting governs responses): gzip and deflate (zlib-wrapped or raw, as
    /// Netty's ZLIB_OR_NONE accepts) are decoded; an encoding Netty does not know passes through as it came.
    /// </summary>
    private static async Task<Stream> DecodedBodyAsync(HttpRequest http)
    {
        var encoding = http.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("gzip" or "x-gzip" or "deflate" or "x-deflate"))
        {
            return http.Body;
        }

        var raw = new MemoryStream();
        await http.Body.CopyToAsync(raw);
        var bytes = raw.ToArray();
        try
        {
            using var decoded = new MemoryStream();
            // A zlib stream starts with CMF 0x78 (deflate, 32K window) and a header checksum divisible by 31.
            var zlib = bytes.Length >= 2 && (bytes[0] & 0x0F) == 8 && ((bytes[0] << 8) | bytes[1]) % 31 == 0;
            await using (Stream decompressor = encoding.EndsWith("gzip", StringComparison.Ordinal)
                             ? new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress)
                             : zlib
                                 ? new System.IO.Compression.ZLibStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress)
                                 : new System.IO.Compression.DeflateStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress))
            {
                await decompressor.CopyToAsync(decoded);
            }

            return new MemoryStream(decoded.ToArray());
        }
        catch (InvalidDataException e)
        {
            // Netty fails the request in the decoder, before any handler: Elasticsearch answers a bad request.
            throw new EsException(400, "decompression_exception", e.Message);
        }
    }

    private static string Render(JsonNode body, HttpRequest http) =>
        body.ToJsonString(new JsonSerializerOptions { WriteIndented = http.Query.ContainsKey("pretty") });

    private static Task WriteRawErrorAsync(HttpContext context, string contentType, (int Status, string Message) error, IReadOnlyList<string> allowed)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = contentType;
        if (error.Status == 405)
        {
            // RestController.handleUnsupportedHttpMethod adds the methods the path does serve.
            context.Response.Headers.Allow = string.Join(",", allowed);
        }

        return WriteBodyAsync(context, new JsonObject { ["error"] = error.Message, ["status"] = error.Status }.ToJsonString(),
            HttpMethods.IsHead(context.Request.Method));
    }

    private static Task<RestResponse> Done(JsonNode body, int status = 200) => Task.FromResult(new RestResponse(status, body));
}
