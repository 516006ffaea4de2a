using System.Net;
using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>
/// Pods as the StatefulSets ECK creates would run them: ECK's labels, an ownerReference to the StatefulSet, the
/// elasticsearch container with its ports, and a status with a pod IP from the cluster's pod network (never reachable
/// from outside: the load balancer controller and port-forward resolve pods through the fleet instead).
/// </summary>
internal static class PodBuilder
{
    public const string ContainerName = "elasticsearch";

    public static JsonObject Build(ElasticsearchResource es, NodeSetSpec nodeSet, int ordinal, string configHash)
    {
        var statefulSet = EckNames.StatefulSet(es.Name, nodeSet.Name);
        var pod = EckNames.Pod(statefulSet, ordinal);
        var labels = EckNames.StatefulSetLabels(es.Name, statefulSet);
        labels[EckNames.VersionLabel] = es.Version;
        labels[EckNames.HttpSchemeLabel] = "https";
        labels[EckNames.ControllerRevisionHashLabel] = $"{statefulSet}-{configHash[..10]}";
        labels[EckNames.PodNameLabel] = pod;
        labels[EckNames.PodIndexLabel] = ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var role in new[] { "master", "data", "ingest", "ml", "transform", "remote_cluster_client", "voting_only" })
        {
            labels[EckNames.NodeRoleLabelPrefix + role] = nodeSet.Roles.Contains(role) ? "true" : "false";
        }

        var ports = new JsonArray(
            ContainerPort("https", EckNames.HttpPort),
            ContainerPort("transport", EckNames.TransportPort));
        if (es.RemoteClusterServerEnabled)
        {
            ports.Add(ContainerPort("remote-cluster", EckNames.RemoteClusterPort));
        }

        var metadata = ResourceWriter.Metadata(es.Namespace, pod, labels, new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "StatefulSet",
            ["name"] = statefulSet,
            ["uid"] = StableUid(es.Uid, statefulSet),
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        });
        metadata["annotations"] = new JsonObject { [EckNames.ConfigHashAnnotation] = configHash };

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["hostname"] = pod,
                ["subdomain"] = statefulSet,
                ["nodeName"] = "sandbox-node",
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = ContainerName,
                    ["image"] = $"docker.elastic.co/elasticsearch/elasticsearch:{es.Version}",
                    ["ports"] = ports,
                }),
            },
        };
    }

    /// <summary>A Running pod's status; Ready follows <paramref name="ready"/> as the readiness probe would.</summary>
    public static JsonObject Status(IPAddress podIp, bool ready, DateTimeOffset started)
    {
        var now = Timestamp(DateTimeOffset.UtcNow);
        var readyText = ready ? "True" : "False";
        return new JsonObject
        {
            ["phase"] = "Running",
            ["hostIP"] = "10.89.0.2",
            ["podIP"] = podIp.ToString(),
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp.ToString() }),
            ["startTime"] = Timestamp(started),
            ["qosClass"] = "Burstable",
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", "True", now),
                Condition("Initialized", "True", now),
                Condition("Ready", readyText, now),
                Condition("ContainersReady", readyText, now),
                Condition("PodScheduled", "True", now)),
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = ContainerName,
                ["ready"] = ready,
                ["started"] = true,
                ["restartCount"] = 0,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Timestamp(started) } },
            }),
        };
    }

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True") ?? false;

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject ContainerPort(string name, int port) => new()
    {
        ["name"] = name,
        ["containerPort"] = port,
        ["protocol"] = "TCP",
    };

    private static JsonObject Condition(string type, string status, string time) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastTransitionTime"] = time,
    };

    private static string StableUid(string owner, string statefulSet)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(owner + "/" + statefulSet));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
