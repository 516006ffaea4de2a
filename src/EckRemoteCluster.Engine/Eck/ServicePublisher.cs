using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// Exposes an interface of an ECK cluster (see <see cref="PublishedInterface"/>) outside Kubernetes through the
/// Service template ECK renders, spec.&lt;interface&gt;.service. The remote cluster server has that template only on
/// ECK 3.3+ (told by the served schema, <see cref="ServiceTemplateSupport"/>); before 3.3 the API server prunes the
/// field, so the module creates a Service of its own beside ECK's headless one. Either way what the module writes
/// carries its managed-by label, and it only ever changes or removes what carries that label.
/// </summary>
internal sealed class ServicePublisher(ClusterReader reader)
{
    public async Task<PublishPlan> PlanAsync(EckCluster cluster, PublishRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var exposed = PublishedInterface.For(request.Interface);
        if (exposed.Interface == EckInterface.RemoteClusterServer && !cluster.RemoteClusterServerEnabled)
        {
            throw new EckRemoteClusterException(
                ErrorIds.RemoteClusterServerNotEnabled,
                EckErrorCategory.InvalidOperation,
                $"The remote cluster server of {cluster} is not enabled, so there is nothing to publish.",
                "Enable it first: Get-EckCluster -Name " + cluster.Name + " -Namespace " + cluster.Namespace + " | Enable-EckRemoteClusterServer -Wait",
                cluster);
        }

        var session = reader.Session(cluster);
        var (mechanism, evidence) = await MechanismForAsync(exposed, session, cluster, reporter, cancellationToken).ConfigureAwait(false);
        if (mechanism == PublishMechanism.ServiceTemplate)
        {
            // The cluster as the cmdlet was given or read it carries its templates: no second read of the resource.
            var existing = cluster.SpecServiceTemplates.TryGetValue(exposed.SpecField, out var template) ? JsonNode.Parse(template) : null;
            var serviceName = exposed.ServiceName(cluster.Name);
            if (ServiceTemplates.Satisfies(existing, request))
            {
                return new PublishPlan(cluster, request, mechanism, serviceName, true, $"{exposed.TemplatePath} of {cluster} already publishes it as {request.Type} on port {request.Port}.");
            }

            if (existing is not null && !ServiceTemplates.IsManagedByModule(existing))
            {
                throw new EckRemoteClusterException(
                    exposed.TemplateExistsErrorId,
                    EckErrorCategory.ResourceExists,
                    $"{cluster} already has a {exposed.TemplatePath} that this module did not write ({existing.ToJsonString()}).",
                    $"Change it with kubectl edit elasticsearch {cluster.Name} -n {cluster.Namespace} (type LoadBalancer or NodePort, targetPort {exposed.TargetPort}), or remove it there and publish again.",
                    cluster);
            }

            return new PublishPlan(cluster, request, mechanism, serviceName, false,
                $"Set {exposed.TemplatePath} of {cluster} to a {request.Type} service on port {request.Port} (ECK renders {serviceName}; {evidence})");
        }

        var ownName = exposed.OwnServiceName!(cluster.Name);
        var service = await KubernetesReads.ServiceOrNullAsync(session, cluster.Namespace, ownName, cancellationToken).ConfigureAwait(false);
        if (service is not null)
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(service));
            if (!ServiceTemplates.IsManagedByModule(json))
            {
                throw new EckRemoteClusterException(
                    ErrorIds.ServiceNameTaken,
                    EckErrorCategory.ResourceExists,
                    $"Service {cluster.Namespace}/{ownName} exists and was not created by this module.",
                    "Use that service (Get-EckRemoteClusterEndpoint shows it if it exposes port 9443), or delete it and publish again.",
                    cluster);
            }

            if (ServiceTemplates.Satisfies(json, request))
            {
                return new PublishPlan(cluster, request, mechanism, ownName, true, $"Service {cluster.Namespace}/{ownName} already publishes {cluster} as {request.Type} on port {request.Port}.");
            }

            return new PublishPlan(cluster, request, mechanism, ownName, false, $"Update Service {cluster.Namespace}/{ownName} to {request.Type} on port {request.Port}");
        }

        return new PublishPlan(cluster, request, mechanism, ownName, false,
            $"Create Service {cluster.Namespace}/{ownName} ({request.Type}, port {request.Port} to 9443) for {cluster} ({evidence})");
    }

    public async Task<EckRemoteClusterEndpoint> PublishAsync(PublishPlan plan, TimeSpan addressTimeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var session = reader.Session(cluster);
        if (plan.ChangesNothing)
        {
            reporter.Verbose(plan.Description);
        }
        else if (plan.Mechanism == PublishMechanism.ServiceTemplate)
        {
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    [PublishedInterface.For(plan.Request.Interface).SpecField] = new JsonObject
                    {
                        ["service"] = new JsonObject
                        {
                            ["metadata"] = ServiceTemplates.Metadata(plan.Request),
                            ["spec"] = ServiceTemplates.SpecPatch(plan.Request),
                        },
                    },
                },
            };
            reporter.Verbose(plan.Description + " (merge patch).");
            await ElasticsearchResources.MergePatchAsync(session, cluster.Namespace, cluster.Name, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteOwnServiceAsync(session, plan, reporter, cancellationToken).ConfigureAwait(false);
        }

        return await WaitForAddressAsync(session, plan, addressTimeout, reporter, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UnpublishPlan?> PlanUnpublishAsync(EckCluster cluster, EckInterface exposedInterface, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var exposed = PublishedInterface.For(exposedInterface);
        var session = reader.Session(cluster);
        var resource = await ElasticsearchResources.GetAsync(session, cluster.Namespace, cluster.Name, cancellationToken).ConfigureAwait(false);
        var template = ServiceTemplates.FromElement(resource.ServiceTemplate(exposed.SpecField));
        if (template is not null)
        {
            if (ServiceTemplates.IsManagedByModule(template))
            {
                var serviceName = exposed.ServiceName(cluster.Name);
                return new UnpublishPlan(cluster, exposedInterface, PublishMechanism.ServiceTemplate, serviceName,
                    $"Remove {exposed.TemplatePath} from {cluster} (ECK turns {serviceName} back into a headless service)");
            }

            reporter.Warning($"{exposed.TemplatePath} of {cluster} was not written by this module; it is left as it is.");
        }

        if (exposed.OwnServiceName is null)
        {
            return null;
        }

        var ownName = exposed.OwnServiceName(cluster.Name);
        var service = await KubernetesReads.ServiceOrNullAsync(session, cluster.Namespace, ownName, cancellationToken).ConfigureAwait(false);
        if (service is not null)
        {
            if (service.Metadata?.Labels?.TryGetValue(EckNames.ManagedByLabel, out var managedBy) == true && managedBy == EckNames.ManagedByValue)
            {
                return new UnpublishPlan(cluster, exposedInterface, PublishMechanism.OwnService, ownName, $"Delete Service {cluster.Namespace}/{ownName} of {cluster}");
            }

            reporter.Warning($"Service {cluster.Namespace}/{ownName} was not created by this module; it is left as it is.");
        }

        return null;
    }

    public async Task UnpublishAsync(UnpublishPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var session = reader.Session(cluster);
        reporter.Verbose(plan.Description + ".");
        if (plan.Mechanism == PublishMechanism.ServiceTemplate)
        {
            var field = PublishedInterface.For(plan.Interface).SpecField;
            var patch = new JsonObject { ["spec"] = new JsonObject { [field] = new JsonObject { ["service"] = null } } };
            await ElasticsearchResources.MergePatchAsync(session, cluster.Namespace, cluster.Name, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
            await WaitUntilUnexposedAsync(session, cluster, plan.ServiceName, reporter, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await KubernetesErrors.Run(
                new KubernetesErrors.Operation("delete", "services", cluster.Namespace, plan.ServiceName, session),
                () => session.Client.CoreV1.DeleteNamespacedServiceAsync(plan.ServiceName, cluster.Namespace, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException ex) when (ex.ErrorId == ErrorIds.KubernetesObjectNotFound)
        {
            // Gone already (a retried delete, or someone else): the wanted state.
            reporter.Verbose($"Service {cluster.Namespace}/{plan.ServiceName} was already gone.");
        }
    }

    /// <summary>
    /// ECK turns the Service back into its headless one on its next reconcile, not with the patch: wait for that, so
    /// that when Unpublish returns the port is no longer exposed (what a script that calls it next relies on).
    /// </summary>
    private static async Task WaitUntilUnexposedAsync(
        KubernetesSession session, EckCluster cluster, string serviceName, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var activity = $"Waiting for ECK to stop exposing {cluster.Namespace}/{serviceName}";
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        try
        {
            while (DateTimeOffset.UtcNow < deadline)
            {
                // ECK deletes and recreates a Service whose type changes: gone is not exposed either.
                var service = await KubernetesReads.ServiceOrNullAsync(session, cluster.Namespace, serviceName, cancellationToken).ConfigureAwait(false);
                if (service?.Spec?.Type is not ("LoadBalancer" or "NodePort"))
                {
                    return;
                }

                reporter.Progress(activity, $"Service type {service.Spec.Type}");
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }

            reporter.Warning($"ECK has not yet turned {cluster.Namespace}/{serviceName} back into a headless Service; check the operator's logs.");
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }
    }

    public async Task<IReadOnlyList<EckRemoteClusterEndpoint>> GetEndpointsAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = reader.Session(cluster);
        var endpoints = new List<EckRemoteClusterEndpoint>();
        var exposed = PublishedInterface.RemoteClusterServer;
        foreach (var name in new[] { exposed.ServiceName(cluster.Name), exposed.OwnServiceName!(cluster.Name) })
        {
            var service = await KubernetesReads.ServiceOrNullAsync(session, cluster.Namespace, name, cancellationToken).ConfigureAwait(false);
            if (service is null)
            {
                continue;
            }

            var address = await ServiceEndpoints.ExternalAddressAsync(session, service, cancellationToken).ConfigureAwait(false);
            if (address is { } found)
            {
                endpoints.Add(Endpoint(exposed, cluster, name, service.Spec.Type, found.Address, found.Port));
            }
            else if (service.Spec?.Type is "LoadBalancer")
            {
                reporter.Warning($"Service {cluster.Namespace}/{name} is a LoadBalancer without an address yet.");
            }
        }

        return endpoints;
    }

    private static async Task<(PublishMechanism Mechanism, string Evidence)> MechanismForAsync(
        PublishedInterface exposed, KubernetesSession session, EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (exposed.OwnServiceName is null)
        {
            return (PublishMechanism.ServiceTemplate, $"every ECK release renders {exposed.TemplatePath}");
        }

        var support = await ServiceTemplateSupport.DetectAsync(session, cluster, reporter, cancellationToken).ConfigureAwait(false);
        if (support.Supported is null)
        {
            reporter.Warning($"The ECK version is unknown: {support.Evidence}. Publishing {cluster} through a Service of this module's own, which works with every ECK version.");
            return (PublishMechanism.OwnService, support.Evidence);
        }

        reporter.Verbose($"{char.ToUpperInvariant(support.Evidence[0])}{support.Evidence[1..]}.");
        return (support.Supported.Value ? PublishMechanism.ServiceTemplate : PublishMechanism.OwnService, support.Evidence);
    }

    private static async Task WriteOwnServiceAsync(KubernetesSession session, PublishPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var selector = new Dictionary<string, string>
        {
            [EckNames.ClusterNameLabel] = cluster.Name,
            [EckNames.TypeLabel] = EckNames.TypeValue,
        };
        var metadata = ServiceTemplates.Metadata(plan.Request, selector);
        metadata["name"] = plan.ServiceName;
        metadata["namespace"] = cluster.Namespace;
        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = metadata,
            ["spec"] = ServiceTemplates.Spec(plan.Request, selector),
        };
        var operation = new KubernetesErrors.Operation("create", "services", cluster.Namespace, plan.ServiceName, session);
        reporter.Verbose(plan.Description + ".");
        try
        {
            await KubernetesErrors.Run(operation, () => session.Client.CoreV1.CreateNamespacedServiceAsync(
                KubernetesJson.Deserialize<V1Service>(body.ToJsonString()), cluster.Namespace, fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException ex) when (ex.ErrorId == ErrorIds.KubernetesConflict)
        {
            // It exists: ours from an earlier or retried run (the plan saw it), so bring it to the wanted spec.
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = metadata["labels"]!.DeepClone(), ["annotations"] = metadata["annotations"]?.DeepClone() }, ["spec"] = ServiceTemplates.SpecPatch(plan.Request, selector) };
            await KubernetesErrors.Run(operation with { Verb = "patch" }, () => session.Client.CoreV1.PatchNamespacedServiceAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), plan.ServiceName, cluster.Namespace, fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How often an address that refuses connections is tried again (a TCP connect, no request to the API server).</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    private static async Task<EckRemoteClusterEndpoint> WaitForAddressAsync(
        KubernetesSession session, PublishPlan plan, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var exposed = PublishedInterface.For(plan.Request.Interface);
        var activity = $"Publishing the {exposed.Title} of {cluster}";
        var started = DateTime.UtcNow;
        V1Service? service = null;
        var known = false;
        (string Address, int Port)? address = null;
        // One watch of the Service (its current state first, then each change as the API server commits it) instead of
        // a read every half second: the address is seen the moment the load balancer controller writes it.
        await using var watch = ServiceWatch.Start(session, cluster.Namespace, plan.ServiceName, cancellationToken);
        try
        {
            while (true)
            {
                if (watch.TakeLatest(out var latest))
                {
                    service = latest;
                    known = true;
                    address = service?.Spec?.Type == plan.Request.Type.ToString()
                        ? await ServiceEndpoints.ExternalAddressAsync(session, service, cancellationToken).ConfigureAwait(false)
                        : null;
                }

                (string Address, int Port)? refusing = null;
                if (address is { } current)
                {
                    // The address is in the Service before kube-proxy or the load balancer forwards it: hand it out
                    // only once it accepts connections, so the next step does not meet a refused connection.
                    if (await AddressProbe.AcceptsConnectionsAsync(current.Address, current.Port, cancellationToken).ConfigureAwait(false))
                    {
                        var endpoint = Endpoint(exposed, cluster, plan.ServiceName, service!.Spec.Type, current.Address, current.Port);
                        reporter.Verbose($"The {exposed.Title} of {cluster} is reachable at {endpoint.ProxyAddress} (server name {endpoint.ServerName}).");
                        return endpoint;
                    }

                    refusing = current;
                }

                var waited = DateTime.UtcNow - started;
                if (waited >= timeout && refusing is { } closed)
                {
                    throw new EckRemoteClusterException(
                        exposed.AddressNotAcceptingErrorId,
                        EckErrorCategory.OperationTimeout,
                        $"Service {cluster.Namespace}/{plan.ServiceName} has the address {closed.Address}:{closed.Port}, but it did not accept connections within {timeout}.",
                        $"Check that this machine can reach {closed.Address}:{closed.Port} (firewall, load balancer health checks: kubectl describe service {plan.ServiceName} -n {cluster.Namespace}), "
                        + $"then run {exposed.PublishCmdlet} again.",
                        cluster);
                }

                if (waited >= timeout)
                {
                    throw new EckRemoteClusterException(
                        exposed.AddressTimeoutErrorId,
                        EckErrorCategory.OperationTimeout,
                        $"Service {cluster.Namespace}/{plan.ServiceName} got no external address within {timeout}.",
                        $"Check that the Kubernetes cluster can provision load balancers (kubectl describe service {plan.ServiceName} -n {cluster.Namespace}), then run {exposed.PublishCmdlet} again.",
                        cluster);
                }

                if (known)
                {
                    reporter.Progress(activity, service is null
                        ? $"Waiting for ECK to create {plan.ServiceName}"
                        : refusing is { } pending
                            ? $"Waiting for {pending.Address}:{pending.Port} to accept connections ({waited.TotalSeconds:0}s)"
                            : $"Waiting for {plan.ServiceName} to get an external address ({waited.TotalSeconds:0}s)",
                        (int)Math.Min(99, waited.TotalMilliseconds * 100 / timeout.TotalMilliseconds));
                }

                // Until the Service changes; an address that refuses connections is tried again meanwhile.
                var left = timeout - waited;
                await watch.WaitForChangeAsync(refusing is null ? left : (left < ProbeInterval ? left : ProbeInterval), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }
    }

    /// <summary>The server name is the one ECK's certificate carries, also when the address is a Service of the module's own.</summary>
    private static EckRemoteClusterEndpoint Endpoint(PublishedInterface exposed, EckCluster cluster, string serviceName, string serviceType, string address, int port) =>
        new(exposed.Interface, address, port, EckNames.ServiceDns(exposed.ServiceName(cluster.Name), cluster.Namespace), serviceName, serviceType, cluster);
}
