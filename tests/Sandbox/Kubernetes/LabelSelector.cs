using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// A parsed labelSelector query (=, ==, !=, in, notin, exists, !exists), as labels.Parse accepts it.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> requirements = [];

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        foreach (var term in SplitTerms(text ?? ""))
        {
            selector.requirements.Add(ParseTerm(term));
        }

        return selector;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r(labels));

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term)
    {
        var words = term.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2 && (words[1] == "in" || words[1] == "notin"))
        {
            var set = term[(term.IndexOf('(') + 1)..term.LastIndexOf(')')].Split(',').Select(v => v.Trim()).ToHashSet();
            var key = words[0];
            return words[1] == "in"
                ? labels => labels.TryGetValue(key, out var v) && set.Contains(v)
                : labels => !labels.TryGetValue(key, out var v) || !set.Contains(v);
        }

        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = term[..at].Trim();
                var value = term[(at + op.Length)..].Trim();
                return op == "!="
                    ? labels => !labels.TryGetValue(key, out var v) || v != value
                    : labels => labels.TryGetValue(key, out var v) && v == value;
            }
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return labels => !labels.ContainsKey(key);
        }

        var existing = term.Trim();
        return labels => labels.ContainsKey(existing);
    }

    /// <summary>Splits on commas outside parentheses ("a in (x,y),b" is two terms).</summary>
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var term = text[start..i].Trim();
                if (term.Length > 0)
                {
                    yield return term;
                }

                start = i + 1;
            }
            else if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
        }
    }
}

/// <summary>A fieldSelector query: metadata.name and metadata.namespace with =, == or != (what every kind supports).</summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> terms = [];

    public static FieldSelector Parse(string? text)
    {
        var selector = new FieldSelector();
        foreach (var term in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var notEqual = term.IndexOf("!=", StringComparison.Ordinal);
            var equal = term.IndexOf('=');
            var (field, isEqual, value) = notEqual > 0
                ? (term[..notEqual], false, term[(notEqual + 2)..])
                : equal > 0 ? (term[..equal], true, term[(equal + 1)..].TrimStart('=')) : throw StatusErrors.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw StatusErrors.BadRequest($"field label not supported: {field}");
            }

            selector.terms.Add((field, isEqual, value));
        }

        return selector;
    }

    public bool Matches(JsonObject obj) => terms.All(t =>
    {
        var actual = t.Field == "metadata.name" ? ObjectMeta.Name(obj) : ObjectMeta.Namespace(obj) ?? "";
        return (actual == t.Value) == t.Equal;
    });
}
