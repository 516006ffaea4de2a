using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>Documents: index, refresh, _search (local, cross-cluster through the node's remote connections, or both).</summary>
public static partial class RestApi
{
    private static Task<RestResponse> IndexDocument(RestRequest request)
    {
        var index = request.Param("index");
        if (DocumentStore.InvalidIndexNameReason(index) is { } reason)
        {
            throw new EsException(400, "invalid_index_name_exception", $"Invalid index name [{index}], {reason}",
                extra: new JsonObject { ["index_uuid"] = "_na_", ["index"] = index });
        }

        var source = request.RequireObjectBody();
        var refresh = request.QueryValue("refresh") is "" or "true" or "wait_for";
        var id = request.PathParameters.GetValueOrDefault("id");
        var (version, seqNo, created) = request.Node.Cluster.State.Documents.Index(index, id, (JsonObject)source.DeepClone(), refresh);
        var storedId = id ?? request.Node.Cluster.State.Documents.Searchable([index]).LastOrDefault().Document?.Id;
        return Done(new JsonObject
        {
            ["_index"] = index,
            ["_id"] = id ?? storedId ?? string.Empty,
            ["_version"] = version,
            ["result"] = created ? "created" : "updated",
            ["forced_refresh"] = refresh ? true : null,
            ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
            ["_seq_no"] = seqNo,
            ["_primary_term"] = 1,
        }, created ? 201 : 200);
    }

    private static Task<RestResponse> Refresh(RestRequest request)
    {
        var documents = request.Node.Cluster.State.Documents;
        var indices = request.PathParameters.TryGetValue("index", out var expression) ? documents.Resolve(expression) : documents.IndexNames();
        documents.Refresh(indices);
        return Done(new JsonObject
        {
            ["_shards"] = new JsonObject { ["total"] = indices.Count * 2, ["successful"] = indices.Count, ["failed"] = 0 },
        });
    }

    private static async Task<RestResponse> Search(RestRequest request)
    {
        var node = request.Node;
        var state = node.Cluster.State;
        var body = request.Body as JsonObject;
        foreach (var name in new[] { "size", "from" })
        {
            // The query string form (?size=0) is what clients use to only count hits.
            if (request.QueryValue(name) is { } text && int.TryParse(text, out var number))
            {
                body = (JsonObject?)body?.DeepClone() ?? new JsonObject();
                body[name] = number;
            }
        }

        var expression = IndexExpression.Parse(request.PathParameters.GetValueOrDefault("index") ?? "_all");
        if (expression.Remote.Count == 0)
        {
            return new RestResponse(200, LocalSearch.Execute(state, string.Join(",", expression.Local), body));
        }

        var connections = expression.Remote.Keys.Select(alias => (alias, connection: node.Connections.Get(alias))).ToList();
        var details = new JsonObject();
        var hits = new List<JsonNode>();
        long total = 0;
        var skipped = 0;
        if (expression.Local.Count > 0)
        {
            var local = LocalSearch.Execute(state, string.Join(",", expression.Local), body);
            total += local["hits"]!["total"]!["value"]!.GetValue<long>();
            hits.AddRange(local["hits"]!["hits"]!.AsArray().Select(h => h!.DeepClone()));
            details["(local)"] = ClusterDetail("successful", string.Join(",", expression.Local), local);
        }

        foreach (var (alias, connection) in connections)
        {
            var indices = string.Join(",", expression.Remote[alias]);
            try
            {
                // RECONNECT_UNLESS_SKIP_UNAVAILABLE: a skip_unavailable remote that is down is skipped without a new attempt.
                var remote = await connection.SendAsync(TransportActions.Search,
                    RemoteSearchRequest(request.Principal, alias, connection, indices, body), CancellationToken.None,
                    reconnect: !connection.Config.SkipUnavailable);
                total += remote["hits"]!["total"]!["value"]!.GetValue<long>();
                foreach (var hit in remote["hits"]!["hits"]!.AsArray())
                {
                    var copy = hit!.DeepClone();
                    copy["_index"] = $"{alias}:{copy["_index"]!.GetValue<string>()}";
                    hits.Add(copy);
                }

                details[alias] = ClusterDetail("successful", indices, remote.AsObject());
            }
            catch (EsException e) when (connection.Config.SkipUnavailable)
            {
                skipped++;
                details[alias] = new JsonObject
                {
                    ["status"] = "skipped",
                    ["indices"] = indices,
                    ["timed_out"] = false,
                    ["failures"] = new JsonArray(new JsonObject { ["shard"] = -1, ["index"] = null, ["reason"] = e.ToCauseJson() }),
                };
            }
        }

        var size = body?["size"]?.GetValue<int>() ?? 10;
        var clusters = details.Count;
        return new RestResponse(200, new JsonObject
        {
            ["took"] = 1,
            ["timed_out"] = false,
            ["num_reduce_phases"] = clusters > 1 ? 2 : 1,
            ["_shards"] = new JsonObject { ["total"] = clusters - skipped, ["successful"] = clusters - skipped, ["skipped"] = 0, ["failed"] = 0 },
            ["_clusters"] = new JsonObject
            {
                ["total"] = clusters,
                ["successful"] = clusters - skipped,
                ["skipped"] = skipped,
                ["running"] = 0,
                ["partial"] = 0,
                ["failed"] = 0,
                ["details"] = details,
            },
            ["hits"] = new JsonObject
            {
                ["total"] = new JsonObject { ["value"] = total, ["relation"] = "eq" },
                ["max_score"] = hits.Count > 0 ? 1.0 : null,
                ["hits"] = new JsonArray([.. hits.Take(size)]),
            },
        });
    }

    /// <summary>
    /// What the local cluster sends with a cross-cluster search. In the API-key model the security interceptor sends the
    /// caller's remote_indices privileges for the alias (the remote intersects them with the key's access); when none of
    /// the caller's roles has remote_indices for the alias, the search is refused locally
    /// (AuthorizationDenialMessages.remoteActionDenied). The certificate model sends no privileges.
    /// </summary>
    private static JsonObject RemoteSearchRequest(Principal principal, string alias, RemoteConnection connection, string indices, JsonObject? body)
    {
        var payload = new JsonObject { ["index"] = indices, ["body"] = body?.DeepClone() };
        if (connection.Credentials is null || principal.RemoteReadableIndices(alias) is not { } readable)
        {
            return payload;
        }

        if (readable.Count == 0)
        {
            throw EsException.Security(403,
                $"action [{TransportActions.Search}] towards remote cluster [{alias}] is unauthorized for {principal.Description} " +
                "because no remote indices privileges apply for the target cluster");
        }

        payload["remote_indices"] = new JsonArray([.. readable.Select(n => (JsonNode)n)]);
        payload["user"] = principal.Username;
        payload["roles"] = new JsonArray([.. principal.Roles.Select(r => (JsonNode)r)]);
        return payload;
    }

    private static JsonObject ClusterDetail(string status, string indices, JsonObject result) => new()
    {
        ["status"] = status,
        ["indices"] = indices,
        ["took"] = result["took"]?.DeepClone(),
        ["timed_out"] = false,
        ["_shards"] = result["_shards"]?.DeepClone(),
        ["failures"] = new JsonArray(),
    };

    /// <summary>What TransportResolveClusterAction reports when a remote did not answer within the request's timeout.</summary>
    private const string RemoteConnectionTimeoutError = "Request timed out before receiving a response from the remote cluster";

    /// <summary>
    /// GET _resolve/cluster/{expression} (8.13+) and, from 8.18, GET _resolve/cluster (every registered remote, connection
    /// info only) and the timeout parameter. Remotes are asked concurrently, as the real action does.
    /// </summary>
    private static async Task<RestResponse> ResolveCluster(RestRequest request)
    {
        var node = request.Node;
        var version = node.Cluster.State.Version;
        TimeSpan? timeout = null;
        if (request.QueryValue("timeout") is { } timeoutText)
        {
            if (!version.HasResolveClusterTimeout)
            {
                throw EsException.IllegalArgument($"request [{request.Path}] contains unrecognized parameter: [timeout]");
            }

            timeout = TimeValues.Parse(timeoutText, "timeout");
        }

        var clusterInfoOnly = !request.PathParameters.ContainsKey("name");
        var expression = clusterInfoOnly
            ? new IndexExpression([], node.Connections.Current.Keys.Order(StringComparer.Ordinal)
                .ToDictionary(a => a, _ => (IReadOnlyList<string>)["dummy*"], StringComparer.Ordinal))
            : IndexExpression.Parse(request.Param("name"));
        var body = new JsonObject();
        if (expression.Local.Count > 0)
        {
            var matching = node.Cluster.State.Documents.Resolve(string.Join(",", expression.Local)).Count > 0;
            body["(local)"] = new JsonObject
            {
                ["connected"] = true,
                ["skip_unavailable"] = false,
                ["matching_indices"] = matching,
                ["version"] = VersionSummary(version.ToString()),
            };
        }

        var remotes = await Task.WhenAll(expression.Remote.Select(async remote =>
            (Alias: remote.Key, Info: await ResolveRemoteAsync(node, remote.Key, remote.Value, clusterInfoOnly, timeout))));
        foreach (var (alias, info) in remotes)
        {
            body[alias] = info;
        }

        return new RestResponse(200, body);
    }

    private static async Task<JsonObject> ResolveRemoteAsync(
        EsNode node, string alias, IReadOnlyList<string> indices, bool clusterInfoOnly, TimeSpan? timeout)
    {
        var connection = node.Connections.Get(alias);
        var skip = connection.Config.SkipUnavailable;
        var started = DateTime.UtcNow;
        try
        {
            var result = await connection.SendAsync(TransportActions.ResolveCluster,
                new JsonObject { ["index"] = string.Join(",", indices) }, CancellationToken.None);
            var info = new JsonObject { ["connected"] = true, ["skip_unavailable"] = skip };
            if (!clusterInfoOnly)
            {
                info["matching_indices"] = result["matching_indices"]?.GetValue<bool>() ?? false;
            }

            info["version"] = VersionSummary(connection.RemoteVersion ?? "0.0.0");
            return info;
        }
        catch (EsException e) when (timeout is { } limit && limit < SimulatedConnectTimeout && IsConnectTimeout(e))
        {
            // The sandbox fails an unreachable address at once with the connect_timeout[30s] Elasticsearch reports after 30 s;
            // a shorter timeout parameter fires first there, so the answer comes when it would and says so.
            var remaining = limit - (DateTime.UtcNow - started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }

            return new JsonObject { ["connected"] = false, ["skip_unavailable"] = skip, ["error"] = RemoteConnectionTimeoutError };
        }
        catch (EsException e)
        {
            return ResolveFailure(e, skip, node.Cluster.State.Version);
        }
    }

    private static readonly TimeSpan SimulatedConnectTimeout = TimeSpan.FromSeconds(30);

    private static bool IsConnectTimeout(EsException failure)
    {
        return failure.Reason.EndsWith("connect_timeout[30s]", StringComparison.Ordinal)
            || (failure.CausedBy is { } cause && IsConnectTimeout(cause))
            || failure.Suppressed.Any(IsConnectTimeout);
    }

    /// <summary>
    /// As TransportResolveClusterAction's onFailure: connection failures (ConnectTransportException, NoSuchRemoteCluster,
    /// NoSeedNodeLeft, "Unable to open any connections", unknown host) are "not connected" without an error; a security
    /// exception anywhere in the chain gives its message, and since elastic/elasticsearch#119793 (8.16.3, 8.17.1, 8.18,
    /// 9.0) connected false, before it connected true (it was assumed to come from the remote, but the local security
    /// interceptor can raise it too); a missing index means the cluster was reached.
    /// </summary>
    public static JsonObject ResolveFailure(EsException failure, bool skipUnavailable, EsVersion version)
    {
        var result = new JsonObject { ["connected"] = false, ["skip_unavailable"] = skipUnavailable };
        for (var e = failure; e is not null; e = e.CausedBy)
        {
            if (e.Type == "security_exception")
            {
                result["connected"] = !version.ResolveClusterSecurityFailureDisconnects;
                result["error"] = e.Reason;
                return result;
            }

            if (e.Type == "index_not_found_exception")
            {
                result["connected"] = true;
                result["error"] = e.Reason;
                return result;
            }
        }

        return result;
    }

    private static JsonObject VersionSummary(string number)
    {
        var version = EsVersion.Parse(number);
        return new JsonObject
        {
            ["number"] = number,
            ["build_flavor"] = "default",
            ["minimum_wire_compatibility_version"] = version.MinimumWireCompatibilityVersion,
            ["minimum_index_compatibility_version"] = version.MinimumIndexCompatibilityVersion,
        };
    }
}
