using System.Net;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// What kube-proxy does for a service port: pods matching the selector (ready ones, or all when
/// publishNotReadyAddresses), the targetPort resolved as a number or as a container port name, and, in the sandbox,
/// the loopback endpoint the fleet serves that pod port on. Round-robin across the pods.
/// </summary>
internal sealed class ServiceBackends(IResourceStore store, IElasticsearchFleet? fleet)
{
    private int next;

    public IPEndPoint? Pick(string ns, string serviceName, int servicePort)
    {
        var service = store.Get("Service", ns, serviceName);
        var spec = service?["spec"] as JsonObject;
        if (fleet is null || spec?["selector"] is not JsonObject selector || selector.Count == 0)
        {
            return null;
        }

        var port = (spec["ports"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => JsonNumbers.Int(p["port"]) == servicePort);
        if (port is null)
        {
            return null;
        }

        var labels = selector.ToDictionary(p => p.Key, p => (string?)p.Value ?? string.Empty);
        var publishNotReady = (bool?)spec["publishNotReadyAddresses"] ?? false;
        var pods = store.List("Pod", ns, labels)
            .Where(p => publishNotReady || PodBuilder.IsReady(p))
            .OrderBy(p => (string?)p["metadata"]?["name"], StringComparer.Ordinal)
            .ToList();
        for (var attempt = 0; attempt < pods.Count; attempt++)
        {
            var pod = pods[(int)((uint)Interlocked.Increment(ref next) % (uint)pods.Count)];
            var containerPort = ResolveTargetPort(port, pod);
            if (containerPort is null)
            {
                continue;
            }

            var endpoint = fleet.ResolvePodPort(ns, (string)pod["metadata"]!["name"]!, containerPort.Value);
            // The sandbox never opens a connection to anything but loopback.
            if (endpoint is not null && IPAddress.IsLoopback(endpoint.Address))
            {
                return endpoint;
            }
        }

        return null;
    }

    /// <summary>targetPort: absent means the service port; a number is used as is; a name is looked up in the pod's containers.</summary>
    public static int? ResolveTargetPort(JsonObject servicePort, JsonObject pod)
    {
        var target = servicePort["targetPort"];
        if (target is null)
        {
            return JsonNumbers.Int(servicePort["port"]);
        }

        if (target.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return JsonNumbers.Int(target) ?? 0;
        }

        var name = (string?)target;
        if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        foreach (var container in (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            foreach (var containerPort in (container["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if ((string?)containerPort["name"] == name)
                {
                    return JsonNumbers.Int(containerPort["containerPort"]);
                }
            }
        }

        return null;
    }
}
