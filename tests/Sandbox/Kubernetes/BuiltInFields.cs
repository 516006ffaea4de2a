using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// The fields kube-apiserver's Go types know for the built-in kinds the sandbox serves. Decoding into those types drops
/// anything else, which fieldValidation then reports (Warn) or rejects (Strict). Only the levels listed here are
/// checked; deeper structures the sandbox does not model (a pod's containers, for instance) are kept as sent.
/// </summary>
public static class BuiltInFields
{
    private static readonly Shape ObjectMeta = Fields("annotations", "creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp",
        "finalizers", "generateName", "generation", "labels", "managedFields", "name", "namespace", "ownerReferences", "resourceVersion", "selfLink", "uid");

    private static readonly Shape ServicePort = Fields("appProtocol", "name", "nodePort", "port", "protocol", "targetPort");

    private static readonly Dictionary<string, Shape> Kinds = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] = Top(("binaryData", null), ("data", null), ("immutable", null)),
        ["Secret"] = Top(("data", null), ("immutable", null), ("stringData", null), ("type", null)),
        ["Namespace"] = Top(("spec", null), ("status", null)),
        ["Pod"] = Top(("spec", null), ("status", null)),
        ["Service"] = Top(
            ("spec", new Shape(new Dictionary<string, Shape?>
            {
                ["allocateLoadBalancerNodePorts"] = null, ["clusterIP"] = null, ["clusterIPs"] = null, ["externalIPs"] = null,
                ["externalName"] = null, ["externalTrafficPolicy"] = null, ["healthCheckNodePort"] = null, ["internalTrafficPolicy"] = null,
                ["ipFamilies"] = null, ["ipFamilyPolicy"] = null, ["loadBalancerClass"] = null, ["loadBalancerIP"] = null,
                ["loadBalancerSourceRanges"] = null, ["ports"] = ServicePort, ["publishNotReadyAddresses"] = null, ["selector"] = null,
                ["sessionAffinity"] = null, ["sessionAffinityConfig"] = null, ["trafficDistribution"] = null, ["type"] = null,
            })),
            ("status", Fields("conditions", "loadBalancer"))),
        ["Event"] = Top(("action", null), ("count", null), ("eventTime", null), ("firstTimestamp", null), ("involvedObject", null),
            ("lastTimestamp", null), ("message", null), ("reason", null), ("related", null), ("reportingComponent", null),
            ("reportingInstance", null), ("series", null), ("source", null), ("type", null)),
    };

    /// <summary>Removes the fields <paramref name="kind"/>'s type does not have; returns their paths ("spec.foo").</summary>
    public static IReadOnlyList<string> Prune(string kind, JsonObject obj)
    {
        var pruned = new List<string>();
        if (Kinds.TryGetValue(kind, out var shape))
        {
            Prune(obj, shape, "", pruned);
        }

        return pruned;
    }

    private static void Prune(JsonNode? node, Shape shape, string path, List<string> pruned)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var fieldPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (!shape.Fields.TryGetValue(key, out var inner))
                    {
                        pruned.Add(fieldPath);
                        obj.Remove(key);
                    }
                    else if (inner is not null)
                    {
                        Prune(obj[key], inner, fieldPath, pruned);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Prune(array[i], shape, $"{path}[{i}]", pruned);
                }

                break;
        }
    }

    private static Shape Fields(params string[] names) => new(names.ToDictionary(n => n, _ => (Shape?)null, StringComparer.Ordinal));

    private static Shape Top(params (string Name, Shape? Inner)[] fields)
    {
        var all = new Dictionary<string, Shape?>(StringComparer.Ordinal) { ["apiVersion"] = null, ["kind"] = null, ["metadata"] = ObjectMeta };
        foreach (var (name, inner) in fields)
        {
            all[name] = inner;
        }

        return new Shape(all);
    }

    /// <summary>The known fields of one level; a null inner shape leaves that field's content unchecked.</summary>
    private sealed record Shape(IReadOnlyDictionary<string, Shape?> Fields);
}
