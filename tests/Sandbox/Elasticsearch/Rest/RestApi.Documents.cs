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
                var remote = await connection.SendAsync(TransportActions.Search,
                    new JsonObject { ["index"] = indices, ["body"] = body?.DeepClone() }, CancellationToken.None);
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

    private static JsonObject ClusterDetail(string status, string indices, JsonObject result) => new()
    {
        ["status"] = status,
        ["indices"] = indices,
        ["took"] = result["took"]?.DeepClone(),
        ["timed_out"] = false,
        ["_shards"] = result["_shards"]?.DeepClone(),
        ["failures"] = new JsonArray(),
    };

    private static async Task<RestResponse> ResolveCluster(RestRequest request)
    {
        var node = request.Node;
        if (!node.Cluster.State.Version.HasResolveCluster)
        {
            throw new EsException(400, "illegal_argument_exception", $"no handler found for uri [{request.Path}] and method [GET]");
        }

        var expression = IndexExpression.Parse(request.Param("name"));
        var body = new JsonObject();
        if (expression.Local.Count > 0)
        {
            var matching = node.Cluster.State.Documents.Resolve(string.Join(",", expression.Local)).Count > 0;
            body["(local)"] = new JsonObject
            {
                ["connected"] = true,
                ["skip_unavailable"] = false,
                ["matching_indices"] = matching,
                ["version"] = VersionSummary(node.Cluster.State.Version.ToString()),
            };
        }

        foreach (var (alias, indices) in expression.Remote)
        {
            var connection = node.Connections.Get(alias);
            var skip = connection.Config.SkipUnavailable;
            try
            {
                var result = await connection.SendAsync(TransportActions.ResolveCluster,
                    new JsonObject { ["index"] = string.Join(",", indices) }, CancellationToken.None);
                body[alias] = new JsonObject
                {
                    ["connected"] = true,
                    ["skip_unavailable"] = skip,
                    ["matching_indices"] = result["matching_indices"]?.GetValue<bool>() ?? false,
                    ["version"] = VersionSummary(connection.RemoteVersion ?? "0.0.0"),
                };
            }
            catch (EsException e)
            {
                body[alias] = ResolveFailure(e, skip);
            }
        }

        return new RestResponse(200, body);
    }

    /// <summary>
    /// As TransportResolveClusterAction: a security exception anywhere in the chain is reported with connected false and its
    /// message; a missing index means the cluster was reached; other connection failures are just "not connected".
    /// </summary>
    private static JsonObject ResolveFailure(EsException failure, bool skipUnavailable)
    {
        var result = new JsonObject { ["connected"] = false, ["skip_unavailable"] = skipUnavailable };
        for (var e = failure; e is not null; e = e.CausedBy)
        {
            if (e.Type == "security_exception")
            {
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
