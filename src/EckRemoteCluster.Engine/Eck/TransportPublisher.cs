using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// Exposes an ECK cluster's transport interface (certificate model) through spec.transport.service, which every ECK
/// release renders into &lt;name&gt;-es-transport (headless by default). targetPort is always 9300, so an external
/// port other than 9300 still reaches the nodes. Only a template this module wrote (managed-by label) is changed.
/// </summary>
internal sealed class TransportPublisher(ClusterReader reader)
{
    public async Task<TransportPublishPlan> PlanAsync(EckCluster cluster, PublishRequest request, CancellationToken cancellationToken)
    {
        var resource = await ElasticsearchResources.GetAsync(reader.Session(cluster), cluster.Namespace, cluster.Name, cancellationToken).ConfigureAwait(false);
        var existing = ServiceTemplates.FromElement(resource.TransportServiceTemplate);
        var service = EckNames.TransportService(cluster.Name);
        if (Satisfies(existing, request))
        {
            return new TransportPublishPlan(cluster, request, true, $"spec.transport.service of {cluster} already publishes it as {request.Type} on port {request.Port}.");
        }

        if (existing is not null && !ServiceTemplates.IsManagedByModule(existing))
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportServiceTemplateExists,
                EckErrorCategory.ResourceExists,
                $"{cluster} already has a spec.transport.service that this module did not write ({existing.ToJsonString()}).",
                $"Change it with kubectl edit elasticsearch {cluster.Name} -n {cluster.Namespace} (type LoadBalancer or NodePort, targetPort {EckNames.TransportPort}), or remove it there and publish again.",
                cluster);
        }

        return new TransportPublishPlan(cluster, request, false,
            $"Set spec.transport.service of {cluster} to a {request.Type} service on port {request.Port} (ECK renders {service}; target port {EckNames.TransportPort})");
    }

    public async Task<EckTransportEndpoint> PublishAsync(TransportPublishPlan plan, TimeSpan addressTimeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var session = reader.Session(cluster);
        if (plan.ChangesNothing)
        {
            reporter.Verbose(plan.Description);
        }
        else
        {
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject { ["transport"] = new JsonObject { ["service"] = Template(plan.Request) } },
            };
            reporter.Verbose(plan.Description + " (merge patch).");
            await ElasticsearchResources.MergePatchAsync(session, cluster.Namespace, cluster.Name, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
        }

        return await WaitForAddressAsync(session, plan, addressTimeout, reporter, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject Template(PublishRequest request)
    {
        var spec = new JsonObject
        {
            ["type"] = request.Type.ToString(),
            ["ports"] = new JsonArray(new JsonObject
            {
                ["name"] = EckNames.TransportPortName,
                ["protocol"] = "TCP",
                ["port"] = request.Port,
                ["targetPort"] = EckNames.TransportPort,
            }),
        };
        if (request.LoadBalancerSourceRanges.Count > 0)
        {
            spec["loadBalancerSourceRanges"] = new JsonArray(request.LoadBalancerSourceRanges.Select(r => (JsonNode?)r).ToArray());
        }

        return new JsonObject { ["metadata"] = ServiceTemplates.Metadata(request), ["spec"] = spec };
    }

    private static bool Satisfies(JsonNode? existing, PublishRequest request)
    {
        var spec = existing?["spec"];
        if (existing is null || (string?)spec?["type"] != request.Type.ToString())
        {
            return false;
        }

        var ports = spec?["ports"] as JsonArray;
        var port = ports?.FirstOrDefault(p => (string?)p?["name"] == EckNames.TransportPortName) ?? ports?.FirstOrDefault();
        var portMatches = port is null ? request.Port == EckNames.TransportPort : (int?)port["port"] == request.Port;
        var ranges = (spec?["loadBalancerSourceRanges"] as JsonArray)?.Select(r => (string?)r).ToList() ?? [];
        var annotations = existing["metadata"]?["annotations"] as JsonObject;
        return portMatches
            && ranges.SequenceEqual(request.LoadBalancerSourceRanges)
            && request.Annotations.All(a => (string?)annotations?[a.Key] == a.Value);
    }

    private static async Task<EckTransportEndpoint> WaitForAddressAsync(
        KubernetesSession session, TransportPublishPlan plan, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var name = EckNames.TransportService(cluster.Name);
        var activity = $"Publishing the transport interface of {cluster}";
        var started = DateTime.UtcNow;
        try
        {
            while (true)
            {
                var service = await KubernetesReads.ServiceOrNullAsync(session, cluster.Namespace, name, cancellationToken).ConfigureAwait(false);
                (string Address, int Port)? refusing = null;
                if (service?.Spec?.Type == plan.Request.Type.ToString()
                    && await ServiceEndpoints.ExternalAddressAsync(session, service, cancellationToken).ConfigureAwait(false) is { } address)
                {
                    // Handed out only once it accepts connections (see AddressProbe).
                    if (await AddressProbe.AcceptsConnectionsAsync(address.Address, address.Port, cancellationToken).ConfigureAwait(false))
                    {
                        var endpoint = new EckTransportEndpoint(address.Address, address.Port,
                            EckNames.ServiceDns(name, cluster.Namespace), name, service.Spec.Type, cluster);
                        reporter.Verbose($"The transport interface of {cluster} is reachable at {endpoint.ProxyAddress}.");
                        return endpoint;
                    }

                    refusing = address;
                }

                var waited = DateTime.UtcNow - started;
                if (waited >= timeout && refusing is { } closed)
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.TransportAddressNotAccepting,
                        EckErrorCategory.OperationTimeout,
                        $"Service {cluster.Namespace}/{name} has the address {closed.Address}:{closed.Port}, but it did not accept connections within {timeout}.",
                        $"Check that this machine can reach {closed.Address}:{closed.Port} (firewall, load balancer health checks: kubectl describe service {name} -n {cluster.Namespace}), then run Publish-EckTransport again.",
                        cluster);
                }

                if (waited >= timeout)
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.TransportAddressTimeout,
                        EckErrorCategory.OperationTimeout,
                        $"Service {cluster.Namespace}/{name} got no external address within {timeout}.",
                        $"Check that the Kubernetes cluster can provision load balancers (kubectl describe service {name} -n {cluster.Namespace}), then run Publish-EckTransport again.",
                        cluster);
                }

                reporter.Progress(activity, $"Waiting for {name} to become a {plan.Request.Type} with an address ({waited.TotalSeconds:0}s)",
                    (int)Math.Min(99, waited.TotalMilliseconds * 100 / timeout.TotalMilliseconds));
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }
    }
}
