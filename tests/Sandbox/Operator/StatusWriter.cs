using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// Writes .status of an Elasticsearch resource through the status subresource, in the shape ECK gives it: phase,
/// health, availableNodes, version, observedGeneration, conditions (lastTransitionTime moves only when a condition's
/// status changes) and inProgressOperations.
/// </summary>
internal sealed class StatusWriter(IResourceStore store)
{
    public void Write(ElasticsearchResource es, ClusterStatus status)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = store.Get(EckNames.ElasticsearchKind, es.Namespace, es.Name);
            if (current is null || (string?)current["metadata"]?["uid"] != es.Uid)
            {
                return;
            }

            // observedGeneration is the generation this reconciliation read, never a newer one stored meanwhile: a client
            // waiting for observedGeneration == generation must not see a spec change reported before it is applied.
            var generation = es.Generation;
            var previous = current["status"] as JsonObject ?? [];
            var running = RunningVersion.Of(es, store.List("Pod", es.Namespace, EckNames.ClusterLabels(es.Name)));
            var next = Build(es, status, running, previous, generation);
            if (JsonNode.DeepEquals(next, previous))
            {
                return;
            }

            current["status"] = next;
            try
            {
                store.UpdateStatus(current);
                return;
            }
            catch (KubernetesStatusException e) when (e.Code == 409)
            {
            }
        }
    }

    /// <summary>Only the phase changes (Invalid); the rest of the status stays as it was, as in ECK.</summary>
    public void WritePhaseOnly(ElasticsearchResource es, string phase)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = store.Get(EckNames.ElasticsearchKind, es.Namespace, es.Name);
            if (current is null || (string?)current["metadata"]?["uid"] != es.Uid)
            {
                return;
            }

            var status = current["status"] as JsonObject ?? [];
            var generation = es.Generation;
            if ((string?)status["phase"] == phase && JsonNumbers.Long(status["observedGeneration"]) == generation)
            {
                return;
            }

            status["phase"] = phase;
            status["observedGeneration"] = generation;
            current["status"] = status.DeepClone();
            try
            {
                store.UpdateStatus(current);
                return;
            }
            catch (KubernetesStatusException e) when (e.Code == 409)
            {
            }
        }
    }

    private static JsonObject Build(ElasticsearchResource es, ClusterStatus status, RunningVersion running, JsonObject previous, long generation)
    {
        var now = PodBuilder.Timestamp(DateTimeOffset.UtcNow);
        var previousConditions = (previous["conditions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        JsonObject Condition(string type, bool ok, string message) => ConditionWithStatus(type, ok ? "True" : "False", message);

        JsonObject ConditionWithStatus(string type, string statusText, string message)
        {
            var old = previousConditions.FirstOrDefault(c => (string?)c["type"] == type);
            var since = old is not null && (string?)old["status"] == statusText ? (string?)old["lastTransitionTime"] ?? now : now;
            var condition = new JsonObject { ["lastTransitionTime"] = since };
            if (message.Length > 0)
            {
                condition["message"] = message;
            }

            condition["status"] = statusText;
            condition["type"] = type;
            return condition;
        }

        var internalService = $"{es.Namespace}/{EckNames.InternalHttpService(es.Name)}";
        var conditions = new JsonArray(
            Condition("ReconciliationComplete", status.ReconciliationMessage is null, status.ReconciliationMessage ?? string.Empty),
            ConditionWithStatus("RunningDesiredVersion", running.ConditionStatus, running.Message),
            Condition("ElasticsearchIsReachable", status.Reachable,
                status.Reachable ? $"Service {internalService} has endpoints" : $"Service {internalService} has no endpoint"),
            Condition("ResourcesAwareManagement", true,
                $"Successfully calculated compute and storage resources from Elasticsearch resource generation {generation}"));

        var previousOps = previous["inProgressOperations"] as JsonObject;
        var previousUpgrade = previousOps?["upgrade"] as JsonObject;
        var upgradeNodes = new JsonArray();
        foreach (var node in status.UpgradeNodes)
        {
            upgradeNodes.Add(new JsonObject { ["name"] = node.Name, ["status"] = node.Status });
        }

        var upgradeChanged = !JsonNode.DeepEquals(previousUpgrade?["nodes"] ?? new JsonArray(), upgradeNodes);
        var upgrade = new JsonObject
        {
            ["lastUpdatedTime"] = upgradeChanged ? now : (string?)previousUpgrade?["lastUpdatedTime"] ?? now,
        };
        if (upgradeNodes.Count > 0)
        {
            upgrade["nodes"] = upgradeNodes;
        }

        var created = (string?)previousOps?["downscale"]?["lastUpdatedTime"] ?? now;
        var result = new JsonObject
        {
            ["availableNodes"] = status.AvailableNodes,
            ["conditions"] = conditions,
            ["health"] = status.Health,
            ["inProgressOperations"] = new JsonObject
            {
                ["downscale"] = new JsonObject { ["lastUpdatedTime"] = created },
                ["upgrade"] = upgrade,
                ["upscale"] = new JsonObject { ["lastUpdatedTime"] = (string?)previousOps?["upscale"]?["lastUpdatedTime"] ?? created },
            },
            ["observedGeneration"] = generation,
            ["phase"] = status.Phase,
        };
        if (running.Lowest is not null)
        {
            result["version"] = running.Lowest;
        }

        return result;
    }
}
