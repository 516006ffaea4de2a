namespace Sandbox.Elasticsearch.Rest;

/// <summary>An index expression split into local indices and, per remote alias, the remote indices ("eck1:logs-*").</summary>
public sealed record IndexExpression(IReadOnlyList<string> Local, IReadOnlyDictionary<string, IReadOnlyList<string>> Remote)
{
    public static IndexExpression Parse(string expression)
    {
        var local = new List<string>();
        var remote = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var part in expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                local.Add(part);
                continue;
            }

            var alias = part[..colon];
            remote[alias] = [.. remote.GetValueOrDefault(alias) ?? [], part[(colon + 1)..]];
        }

        return new IndexExpression(local, remote);
    }
}
