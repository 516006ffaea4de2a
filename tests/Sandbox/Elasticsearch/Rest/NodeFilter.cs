using System.Text.RegularExpressions;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// The node filter of the _nodes APIs as DiscoveryNodes.resolveNodes reads it: <c>_all</c> (or none), <c>_local</c>,
/// <c>_master</c>, node ids, names and addresses with <c>*</c> wildcards, and role filters (<c>master:true</c>,
/// <c>data:false</c>, ...), applied left to right; a filter that matches nothing selects nothing.
/// </summary>
public static class NodeFilter
{
    private static readonly string[] Roles = ["master", "data", "ingest", "remote_cluster_client", "ml", "transform"];

    public static IReadOnlyList<EsNode> Resolve(string? filter, EsCluster cluster, EsNode local)
    {
        var running = cluster.Nodes.Where(n => n.Running).ToList();
        if (string.IsNullOrEmpty(filter))
        {
            return running;
        }

        var selected = new List<EsNode>();
        foreach (var part in filter.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (part == "_all")
            {
                selected.AddRange(running);
            }
            else if (part == "_local")
            {
                selected.Add(local);
            }
            else if (part is "_master" or "_elected_master")
            {
                // The sandbox's elected master is the first node that is up.
                selected.AddRange(running.Take(1));
            }
            else if (colon > 0 && Roles.Contains(part[..colon]))
            {
                // Every sandbox node holds the default roles: "true" adds them all, "false" removes them all.
                if (part[(colon + 1)..] == "true")
                {
                    selected.AddRange(running);
                }
                else
                {
                    selected.Clear();
                }
            }
            else
            {
                selected.AddRange(running.Where(n => n.Id == part || Matches(part, n.Name)
                    || Matches(part, n.Http.Address.ToString()) || Matches(part, n.Transport.Address.ToString())));
            }
        }

        return [.. selected.Distinct()];
    }

    /// <summary>Regex.simpleMatch: <c>*</c> matches any run of characters.</summary>
    private static bool Matches(string pattern, string value) =>
        Regex.IsMatch(value, "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);
}
