using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.State;

/// <summary>
/// Executes a search against one cluster's documents: match_all (and simple term/match equality on a top-level field),
/// from/size, and the response shape of _search. <paramref name="mayRead"/> filters the indices a caller is allowed to
/// read when a wildcard is resolved (unauthorised indices are silently left out, as Elasticsearch does).
/// </summary>
public static class LocalSearch
{
    public static JsonObject Execute(ClusterState state, string expression, JsonObject? body, Func<string, bool>? mayRead = null, string? clusterAlias = null)
    {
        var started = DateTimeOffset.UtcNow;
        var indices = state.Documents.Resolve(expression).Where(i => mayRead?.Invoke(i) ?? true).ToList();
        var query = body?["query"] as JsonObject;
        var from = body?["from"]?.GetValue<int>() ?? 0;
        var size = body?["size"]?.GetValue<int>() ?? 10;
        var matching = state.Documents.Searchable(indices).Where(h => Matches(query, h.Document.Source)).ToList();
        var hits = new JsonArray();
        foreach (var (index, doc) in matching.Skip(from).Take(size))
        {
            hits.Add(new JsonObject
            {
                ["_index"] = clusterAlias is null ? index : $"{clusterAlias}:{index}",
                ["_id"] = doc.Id,
                ["_score"] = 1.0,
                ["_source"] = doc.Source.DeepClone(),
            });
        }

        return new JsonObject
        {
            ["took"] = (int)(DateTimeOffset.UtcNow - started).TotalMilliseconds,
            ["timed_out"] = false,
            ["_shards"] = new JsonObject { ["total"] = indices.Count, ["successful"] = indices.Count, ["skipped"] = 0, ["failed"] = 0 },
            ["hits"] = new JsonObject
            {
                ["total"] = new JsonObject { ["value"] = (long)matching.Count, ["relation"] = "eq" },
                ["max_score"] = matching.Count > 0 ? 1.0 : null,
                ["hits"] = hits,
            },
        };
    }

    private static bool Matches(JsonObject? query, JsonObject source)
    {
        if (query is null || query.ContainsKey("match_all"))
        {
            return true;
        }

        foreach (var kind in new[] { "term", "match" })
        {
            if (query[kind] is JsonObject clause && clause.FirstOrDefault() is var (field, expected) && expected is not null)
            {
                var value = expected is JsonObject inner ? inner["value"] ?? inner["query"] : expected;
                return source[field]?.ToJsonString() == value?.ToJsonString();
            }
        }

        throw new EsException(400, "parsing_exception", $"unknown query [{query.FirstOrDefault().Key}]");
    }
}
