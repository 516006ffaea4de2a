using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>The state the sandbox starts in: namespace elastic with the ECK quickstart cluster (3 nodes, remote cluster server off).</summary>
internal static class QuickstartSeed
{
    public static void Apply(IResourceStore store, string version)
    {
        if (store.Get("Namespace", null, "elastic") is null)
        {
            store.Create(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = "elastic" },
            });
        }

        if (store.Get(EckNames.ElasticsearchKind, "elastic", "quickstart") is not null)
        {
            return;
        }

        store.Create(new JsonObject
        {
            ["apiVersion"] = EckNames.ElasticsearchApiVersion,
            ["kind"] = EckNames.ElasticsearchKind,
            ["metadata"] = new JsonObject { ["name"] = "quickstart", ["namespace"] = "elastic" },
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
        });
    }
}
