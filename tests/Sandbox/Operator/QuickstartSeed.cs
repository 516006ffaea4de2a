using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// The state the sandbox starts in: namespace elastic with the ECK quickstart cluster (3 nodes, remote cluster server
/// off), or with --eck-clusters N the clusters of <see cref="SeededEckClusters.Layout"/>, each shaped like quickstart.
/// </summary>
internal static class QuickstartSeed
{
    public static void Apply(IResourceStore store, string version, IReadOnlyList<SeededEckCluster>? clusters = null)
    {
        foreach (var cluster in clusters ?? SeededEckClusters.Layout(1))
        {
            EnsureNamespace(store, cluster.Namespace);
            if (store.Get(EckNames.ElasticsearchKind, cluster.Namespace, cluster.Name) is null)
            {
                store.Create(Cluster(cluster.Namespace, cluster.Name, version));
            }
        }
    }

    private static void EnsureNamespace(IResourceStore store, string ns)
    {
        if (store.Get("Namespace", null, ns) is null)
        {
            store.Create(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns },
            });
        }
    }

    private static JsonObject Cluster(string ns, string name, string version) => new()
    {
        ["apiVersion"] = EckNames.ElasticsearchApiVersion,
        ["kind"] = EckNames.ElasticsearchKind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["version"] = version,
            ["nodeSets"] = new JsonArray(new JsonObject
            {
                ["name"] = "default",
                ["count"] = 3,
                ["config"] = new JsonObject { ["node.store.allow_mmap"] = false },
            }),
        },
    };
}
