using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sandbox.Elasticsearch.State;

/// <summary>
/// A minimal document store: indices of JSON documents, made searchable by a refresh (explicit, <c>?refresh</c>, or the
/// periodic one after <see cref="RefreshInterval"/>, like index.refresh_interval's default of 1s).
/// </summary>
public sealed class DocumentStore
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private readonly SortedDictionary<string, IndexData> _indices = new(StringComparer.Ordinal);

    public sealed record StoredDocument(string Id, JsonObject Source, long Version, long SeqNo, DateTimeOffset IndexedAt, bool Refreshed);

    private sealed class IndexData
    {
        public string Uuid { get; } = RandomIds.Base64Uuid();

        public Dictionary<string, StoredDocument> Documents { get; } = new(StringComparer.Ordinal);

        public long NextSeqNo { get; set; }
    }

    /// <summary>Index names follow Elasticsearch's rules (lowercase, no leading _ - +, none of \ / * ? " &lt; &gt; | space , #).</summary>
    public static string? InvalidIndexNameReason(string name)
    {
        if (name.Length == 0 || name is "." or "..")
        {
            return "must not be '.' or '..'";
        }

        if (name != name.ToLowerInvariant())
        {
            return "must be lowercase";
        }

        if (name[0] is '_' or '-' or '+')
        {
            return "must not start with '_', '-', or '+'";
        }

        if (name.IndexOfAny(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) >= 0)
        {
            return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]";
        }

        return null;
    }

    /// <summary>Stores a document; returns its version, sequence number and whether it was created.</summary>
    public (long Version, long SeqNo, bool Created) Index(string index, string? id, JsonObject source, bool refresh)
    {
        lock (_lock)
        {
            if (!_indices.TryGetValue(index, out var data))
            {
                data = new IndexData();
                _indices[index] = data;
            }

            id ??= RandomIds.Base64Uuid();
            var created = !data.Documents.TryGetValue(id, out var existing);
            var version = created ? 1 : existing!.Version + 1;
            var seqNo = data.NextSeqNo++;
            data.Documents[id] = new StoredDocument(id, source, version, seqNo, DateTimeOffset.UtcNow, refresh);
            return (version, seqNo, created);
        }
    }

    public void Refresh(IEnumerable<string> indices)
    {
        lock (_lock)
        {
            foreach (var name in indices)
            {
                if (_indices.TryGetValue(name, out var data))
                {
                    foreach (var (id, doc) in data.Documents.ToList())
                    {
                        data.Documents[id] = doc with { Refreshed = true };
                    }
                }
            }
        }
    }

    public IReadOnlyList<string> IndexNames()
    {
        lock (_lock)
        {
            return [.. _indices.Keys];
        }
    }

    /// <summary>
    /// Resolves a comma-separated expression of names and wildcards. A concrete name that does not exist throws
    /// index_not_found_exception; wildcards that match nothing resolve to nothing.
    /// </summary>
    public IReadOnlyList<string> Resolve(string expression, bool ignoreUnavailable = false)
    {
        lock (_lock)
        {
            var result = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var part in expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part is "_all" or "*")
                {
                    result.UnionWith(_indices.Keys.Where(k => !k.StartsWith('.')));
                }
                else if (part.Contains('*'))
                {
                    var pattern = WildcardPattern(part);
                    result.UnionWith(_indices.Keys.Where(k => pattern.IsMatch(k)));
                }
                else if (_indices.ContainsKey(part))
                {
                    result.Add(part);
                }
                else if (!ignoreUnavailable)
                {
                    throw IndexNotFound(part);
                }
            }

            return [.. result];
        }
    }

    /// <summary>The searchable documents of the given indices (refreshed, or older than the refresh interval).</summary>
    public IReadOnlyList<(string Index, StoredDocument Document)> Searchable(IEnumerable<string> indices)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            var hits = new List<(string, StoredDocument)>();
            foreach (var name in indices)
            {
                if (_indices.TryGetValue(name, out var data))
                {
                    hits.AddRange(data.Documents.Values
                        .Where(d => d.Refreshed || now - d.IndexedAt >= RefreshInterval)
                        .OrderBy(d => d.SeqNo)
                        .Select(d => (name, d)));
                }
            }

            return hits;
        }
    }

    public static Regex WildcardPattern(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    public static EsException IndexNotFound(string name) => new(
        404, "index_not_found_exception", $"no such index [{name}]",
        extra: new JsonObject
        {
            ["resource.type"] = "index_or_alias",
            ["resource.id"] = name,
            ["index_uuid"] = "_na_",
            ["index"] = name,
        });
}
