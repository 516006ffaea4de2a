using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch;
using Sandbox.Kubernetes;
using Sandbox.Pki;

namespace Sandbox.Operator;

/// <summary>
/// Reconciles one Elasticsearch resource like ECK's driver: validation, elastic user, CAs and certificates, services,
/// pods, the nodes (through the fleet), a rolling restart when start-time settings change, and the status.
/// </summary>
internal sealed class ClusterReconciler
{
    private readonly IResourceStore store;
    private readonly ResourceWriter writer;
    private readonly ClusterCertificates certificates;
    private readonly StatusWriter statusWriter;
    private readonly IElasticsearchFleet? fleet;
    private readonly EckOperatorOptions options;
    private readonly RolloutPace pace;
    private readonly PodAddressPool podAddresses;
    // Workers of different clusters run concurrently (one at a time per cluster, see EckOperator): shared state is concurrent.
    private readonly ConcurrentDictionary<string, ClusterMemory> memory = new();

    public ClusterReconciler(IResourceStore store, IElasticsearchFleet? fleet, EckOperatorOptions options, RolloutPace pace)
    {
        this.store = store;
        this.fleet = fleet;
        this.options = options;
        this.pace = pace;
        writer = new ResourceWriter(store);
        certificates = new ClusterCertificates(writer);
        statusWriter = new StatusWriter(store);
        podAddresses = new PodAddressPool(options.Seed);
    }

    /// <summary>Runs one reconciliation of the resource <paramref name="ns"/>/<paramref name="name"/> to completion.</summary>
    public async Task ReconcileAsync(string ns, string name, CaRotation transportCaRotation, CancellationToken cancellationToken)
    {
        var key = $"{ns}/{name}";
        var obj = store.Get(EckNames.ElasticsearchKind, ns, name);
        if (obj is null || obj["metadata"]?["deletionTimestamp"] is not null)
        {
            await ForgetAsync(ns, name, key);
            return;
        }

        var es = new ElasticsearchResource(obj);
        if (!memory.TryGetValue(key, out var remembered) || remembered.Uid != es.Uid)
        {
            remembered = new ClusterMemory(es.Uid);
            memory[key] = remembered;
        }

        if (Validate(es, remembered) is false)
        {
            return;
        }

        if (transportCaRotation != CaRotation.None)
        {
            certificates.EnsureCa(es, ClusterCertificates.TransportCaType, transportCaRotation).Dispose();
        }

        DesiredCluster desired;
        try
        {
            desired = Prepare(es);
        }
        catch (OperatorReconcileException e)
        {
            store.RecordEvent(es.Object, "Warning", "ReconciliationError", $"Reconciliation error: {e.Message}");
            return;
        }

        var reconciled = es;
        if (!remembered.Started)
        {
            await StartAsync(es, desired, remembered, cancellationToken);
        }
        else if (desired.Pods.Any(p => p.RunningHash != desired.RestartHash))
        {
            reconciled = await RollAsync(es, remembered, cancellationToken);
            if (reconciled is null)
            {
                return;
            }
        }
        else if (remembered.LiveHash != desired.LiveHash)
        {
            await ApplyToFleetAsync(desired.Spec, cancellationToken);
            remembered.LiveHash = desired.LiveHash;
        }

        // The status describes the generation this pass acted on (ECK's observedGeneration); a newer spec that arrived
        // meanwhile has queued another pass, which reports it once it is applied.
        if (Refresh(reconciled) is not null)
        {
            WriteSteadyStatus(reconciled);
        }
    }

    /// <summary>
    /// ECK validates again when it reconciles (the webhook has failurePolicy ignore, so objects can be stored unchecked
    /// while it is down): an invalid spec sets phase Invalid and a Warning event, and nothing else happens.
    /// </summary>
    private bool Validate(ElasticsearchResource es, ClusterMemory remembered)
    {
        var errors = EckValidation.Validate(es.Object, current: null);
        if (errors.Count > 0)
        {
            return Invalid(es, remembered, EckValidation.Invalid(es.Name, errors).Message);
        }

        remembered.LastInvalid = null;
        return true;
    }

    private bool Invalid(ElasticsearchResource es, ClusterMemory remembered, string message)
    {
        var eventKey = $"{es.Generation}|{message}";
        if (remembered.LastInvalid != eventKey)
        {
            store.RecordEvent(es.Object, "Warning", "Validation", message);
            remembered.LastInvalid = eventKey;
        }

        statusWriter.WritePhaseOnly(es, ClusterStatus.Invalid);
        return false;
    }

    /// <summary>Secrets, services, pods and certificates for the current spec; nodes are not touched here.</summary>
    private DesiredCluster Prepare(ElasticsearchResource es)
    {
        var password = EnsureElasticUser(es);
        var additionalCas = TransportCaSources.ReadAdditionalCas(store, es);
        using var transportCa = certificates.EnsureCa(es, ClusterCertificates.TransportCaType);
        using var httpCa = certificates.EnsureCa(es, ClusterCertificates.HttpCaType);

        var restartHash = DesiredCluster.ComputeRestartHash(es.Version, es.RemoteClusterServerEnabled, additionalCas);
        var services = ReconcileServices(es);
        var pods = ReconcilePods(es, restartHash);

        var trustedPem = CertificatePem.Certificate(transportCa.Certificate) + additionalCas;
        var nodes = ReconcileTransportCertificates(es, pods, transportCa, trustedPem);
        var httpCertificate = ReconcileHttpCertificates(es, services, httpCa);

        // No ownerReference: users copy this secret to other namespaces (cloud-on-k8s#3986).
        writer.Reconcile(
            SecretBuilder.Build(es, EckNames.TransportCertsPublicSecret(es.Name), new Dictionary<string, string> { ["ca.crt"] = trustedPem }, ownerReference: false),
            (old, expected) => ResourceWriter.ReplaceFields(old, expected, "data", "type"));

        var spec = new EckClusterSpec(es.Namespace, es.Name, es.Version, nodes, httpCertificate, CertificatePem.ReadBundle(trustedPem),
            es.RemoteClusterServerEnabled, password);
        // The CA is part of it: a renewed CA keeps every pod certificate, but the nodes trust and send the new one.
        return new DesiredCluster(spec, restartHash, DesiredCluster.ComputeLiveHash(httpCertificate.Thumbprint, password,
            nodes.Select(n => n.TransportCertificate.Thumbprint).Prepend(transportCa.Certificate.Thumbprint)), pods);
    }

    private string EnsureElasticUser(ElasticsearchResource es)
    {
        var name = EckNames.ElasticUserSecret(es.Name);
        var password = SecretBuilder.ReadKey(store.Get("Secret", es.Namespace, name), "elastic") ?? RandomPassword(es);
        var labels = new Dictionary<string, string> { [EckNames.CredentialsLabel] = "true" };
        writer.Reconcile(
            SecretBuilder.Build(es, name, new Dictionary<string, string> { ["elastic"] = password }, labels),
            (old, expected) => ResourceWriter.ReplaceFields(old, expected, "data", "type"));
        return password;
    }

    private string RandomPassword(ElasticsearchResource es)
    {
        // ECK generates 24 characters from letters and digits; --seed makes the sandbox's reproducible.
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var random = new Random(HashCode.Combine(options.Seed, StableHash(es.Key), StableHash(es.Uid)));
        return new string(Enumerable.Range(0, 24).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private static int StableHash(string text) =>
        BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)), 0);

    private List<JsonObject> ReconcileServices(ElasticsearchResource es)
    {
        var http = ReconcileService(ServiceBuilder.Http(es));
        var internalHttp = ReconcileService(ServiceBuilder.InternalHttp(es));
        ReconcileService(ServiceBuilder.Transport(es));
        foreach (var nodeSet in es.NodeSets)
        {
            ReconcileService(ServiceBuilder.StatefulSetHeadless(es, EckNames.StatefulSet(es.Name, nodeSet.Name)));
        }

        var remoteCluster = EckNames.RemoteClusterService(es.Name);
        if (es.RemoteClusterServerEnabled)
        {
            var template = options.SupportsRemoteClusterServiceTemplate ? es.RemoteClusterServiceTemplate : null;
            ReconcileService(ServiceBuilder.RemoteCluster(es, template));
        }
        else if (store.Get("Service", es.Namespace, remoteCluster) is not null)
        {
            store.Delete("Service", es.Namespace, remoteCluster);
        }

        return [http, internalHttp];
    }

    private JsonObject ReconcileService(JsonObject expected)
    {
        var metadata = expected["metadata"]!.AsObject();
        var existing = store.Get("Service", (string?)metadata["namespace"], (string)metadata["name"]!);
        if (existing is not null && ServiceBuilder.NeedsRecreate(existing, expected))
        {
            store.Delete("Service", (string?)metadata["namespace"], (string)metadata["name"]!);
        }

        return writer.Reconcile(expected, ServiceBuilder.MergeWithExisting);
    }

    private List<PodPlan> ReconcilePods(ElasticsearchResource es, string restartHash)
    {
        var plans = new List<PodPlan>();
        var wanted = new HashSet<string>();
        foreach (var nodeSet in es.NodeSets)
        {
            var statefulSet = EckNames.StatefulSet(es.Name, nodeSet.Name);
            for (var ordinal = 0; ordinal < nodeSet.Count; ordinal++)
            {
                var podName = EckNames.Pod(statefulSet, ordinal);
                wanted.Add(podName);
                var pod = store.Get("Pod", es.Namespace, podName) ?? CreatePod(es, nodeSet, ordinal, restartHash, ready: false);
                var runningHash = (string?)pod["metadata"]?["annotations"]?[EckNames.ConfigHashAnnotation];
                plans.Add(new PodPlan(podName, statefulSet, nodeSet, ordinal, runningHash, PodBuilder.IsReady(pod)));
            }
        }

        foreach (var pod in store.List("Pod", es.Namespace, EckNames.ClusterLabels(es.Name)))
        {
            var podName = (string)pod["metadata"]!["name"]!;
            if (!wanted.Contains(podName))
            {
                store.Delete("Pod", es.Namespace, podName);
            }
        }

        return plans;
    }

    private JsonObject CreatePod(ElasticsearchResource es, NodeSetSpec nodeSet, int ordinal, string restartHash, bool ready)
    {
        var created = store.Create(PodBuilder.Build(es, nodeSet, ordinal, restartHash));
        created["status"] = PodBuilder.Status(podAddresses.Next(), ready, DateTimeOffset.UtcNow);
        return store.UpdateStatus(created);
    }

    private List<EckNodeSpec> ReconcileTransportCertificates(
        ElasticsearchResource es, IReadOnlyList<PodPlan> pods, CertificateAuthority ca, string trustedPem)
    {
        var nodes = new List<EckNodeSpec>();
        foreach (var group in pods.GroupBy(p => p.StatefulSet))
        {
            var secretName = EckNames.TransportCertsSecret(group.Key);
            var existing = store.Get("Secret", es.Namespace, secretName);
            var data = new Dictionary<string, string>();
            foreach (var pod in group)
            {
                foreach (var suffix in new[] { ".tls.crt", ".tls.key" })
                {
                    if (SecretBuilder.ReadKey(existing, pod.Name + suffix) is { } value)
                    {
                        data[pod.Name + suffix] = value;
                    }
                }

                var podIp = PodIp(es, pod.Name);
                nodes.Add(new EckNodeSpec(pod.Name, pod.StatefulSet,
                    ClusterCertificates.EnsureTransportCertificate(data, es, pod.Name, pod.StatefulSet, podIp, ca)));
            }

            data["ca.crt"] = trustedPem;
            var labels = new Dictionary<string, string> { [EckNames.StatefulSetNameLabel] = group.Key };
            writer.Reconcile(SecretBuilder.Build(es, secretName, data, labels), (old, expected) => ResourceWriter.ReplaceFields(old, expected, "data", "type"));
        }

        return nodes;
    }

    private IPAddress PodIp(ElasticsearchResource es, string podName)
    {
        var text = (string?)store.Get("Pod", es.Namespace, podName)?["status"]?["podIP"];
        if (text is not null && IPAddress.TryParse(text, out var ip))
        {
            podAddresses.Reserve(ip);
            return ip;
        }

        return podAddresses.Next();
    }

    private X509Certificate2 ReconcileHttpCertificates(ElasticsearchResource es, List<JsonObject> services, CertificateAuthority ca)
    {
        var names = services.Select(s => (string)s["metadata"]!["name"]!).ToList();
        var ips = new List<IPAddress>();
        foreach (var service in services)
        {
            foreach (var ip in ServiceAddresses.Of(service))
            {
                ips.Add(ip);
            }
        }

        var internalName = EckNames.HttpCertsInternalSecret(es.Name);
        var existing = store.Get("Secret", es.Namespace, internalName);
        var data = new Dictionary<string, string>();
        foreach (var key in new[] { "tls.crt", "tls.key", "ca.crt" })
        {
            if (SecretBuilder.ReadKey(existing, key) is { } value)
            {
                data[key] = value;
            }
        }

        var certificate = ClusterCertificates.EnsureHttpCertificate(data, es, names, ips, ca);
        data["ca.crt"] = CertificatePem.Certificate(ca.Certificate);
        writer.Reconcile(SecretBuilder.Build(es, internalName, data), (old, expected) => ResourceWriter.ReplaceFields(old, expected, "data", "type"));
        var publicData = new Dictionary<string, string> { ["tls.crt"] = data["tls.crt"], ["ca.crt"] = data["ca.crt"] };
        writer.Reconcile(SecretBuilder.Build(es, EckNames.HttpCertsPublicSecret(es.Name), publicData),
            (old, expected) => ResourceWriter.ReplaceFields(old, expected, "data", "type"));
        return certificate;
    }

    /// <summary>First start: the nodes come up, then their pods turn Ready.</summary>
    private async Task StartAsync(ElasticsearchResource es, DesiredCluster desired, ClusterMemory remembered, CancellationToken cancellationToken)
    {
        statusWriter.Write(es, new ClusterStatus(ClusterStatus.ApplyingChanges, "unknown", desired.Pods.Count(p => p.Ready), null, [], false));
        await ApplyToFleetAsync(desired.Spec, cancellationToken);
        foreach (var pod in desired.Pods.Where(p => !p.Ready))
        {
            SetPodReady(es.Namespace, pod.Name, true);
        }

        remembered.Started = true;
        remembered.LiveHash = desired.LiveHash;
    }

    /// <summary>
    /// ECK's rolling upgrade: every outdated pod is listed PENDING, then deleted (DELETED) and recreated one at a time,
    /// highest ordinal first, each coming back with the new settings before the next goes down. Spec changes made
    /// during the roll join it. Returns the resource as last applied, or null when the roll stopped (deleted, invalid).
    /// </summary>
    private async Task<ElasticsearchResource?> RollAsync(ElasticsearchResource es, ClusterMemory remembered, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var latest = Refresh(es);
            if (latest is null || Validate(latest, remembered) is false)
            {
                return null;
            }

            DesiredCluster desired;
            try
            {
                desired = Prepare(latest);
            }
            catch (OperatorReconcileException e)
            {
                store.RecordEvent(latest.Object, "Warning", "ReconciliationError", $"Reconciliation error: {e.Message}");
                return null;
            }

            var outdated = desired.Pods.Where(p => p.RunningHash != desired.RestartHash)
                .OrderByDescending(p => p.StatefulSet, StringComparer.Ordinal).ThenByDescending(p => p.Ordinal).ToList();
            if (outdated.Count == 0)
            {
                await ApplyToFleetAsync(desired.Spec, cancellationToken);
                remembered.LiveHash = desired.LiveHash;
                return latest;
            }

            var total = desired.Pods.Count;
            var pending = outdated.Select(p => new UpgradedNode(p.Name, "PENDING")).ToList();
            statusWriter.Write(latest, Progress(total, total, pending));
            await Task.Delay(pace.PodRestart / 3, cancellationToken);

            var next = outdated[0];
            await pace.Holds.PauseIfHeldAsync(latest.Namespace, latest.Name, next.Name, RolloutStep.PodDeletion, cancellationToken);
            pending[0] = new UpgradedNode(next.Name, "DELETED");
            store.Delete("Pod", latest.Namespace, next.Name);
            statusWriter.Write(latest, Progress(total, total - 1, pending));

            CreatePod(latest, next.NodeSet, next.Ordinal, desired.RestartHash, ready: false);
            var restarted = Prepare(latest);
            if (fleet is not null)
            {
                await fleet.RestartEckNodeAsync(restarted.Spec, next.Name, cancellationToken);
            }

            await Task.Delay(pace.PodRestart, cancellationToken);
            await pace.Holds.PauseIfHeldAsync(latest.Namespace, latest.Name, next.Name, RolloutStep.PodReady, cancellationToken);
            SetPodReady(latest.Namespace, next.Name, true);
            pending.RemoveAt(0);
            statusWriter.Write(latest, Progress(total, total, pending));
        }
    }

    private static ClusterStatus Progress(int total, int available, IReadOnlyList<UpgradedNode> nodes) =>
        new(ClusterStatus.ApplyingChanges, available == total ? "green" : "yellow", available, ClusterStatus.UpgradeInProgress, nodes, available > 0);

    private void WriteSteadyStatus(ElasticsearchResource es)
    {
        var pods = store.List("Pod", es.Namespace, EckNames.ClusterLabels(es.Name));
        var ready = pods.Count(PodBuilder.IsReady);
        var expected = es.NodeSets.Sum(n => n.Count);
        var phase = ready == expected ? ClusterStatus.Ready : ClusterStatus.ApplyingChanges;
        var health = ready == 0 ? "unknown" : ready == expected ? "green" : "yellow";
        statusWriter.Write(es, new ClusterStatus(phase, health, ready, null, [], ready > 0));
    }

    private void SetPodReady(string ns, string podName, bool ready)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var pod = store.Get("Pod", ns, podName);
            if (pod is null || PodBuilder.IsReady(pod) == ready)
            {
                return;
            }

            var ip = IPAddress.Parse((string?)pod["status"]?["podIP"] ?? podAddresses.Next().ToString());
            var started = DateTimeOffset.TryParse((string?)pod["status"]?["startTime"], out var s) ? s : DateTimeOffset.UtcNow;
            pod["status"] = PodBuilder.Status(ip, ready, started);
            try
            {
                store.UpdateStatus(pod);
                return;
            }
            catch (KubernetesStatusException e) when (e.Code == 409)
            {
            }
        }
    }

    private ElasticsearchResource? Refresh(ElasticsearchResource es)
    {
        var obj = store.Get(EckNames.ElasticsearchKind, es.Namespace, es.Name);
        return obj is null || (string?)obj["metadata"]?["uid"] != es.Uid ? null : new ElasticsearchResource(obj);
    }

    private async Task ApplyToFleetAsync(EckClusterSpec spec, CancellationToken cancellationToken)
    {
        if (fleet is not null)
        {
            await fleet.ApplyEckClusterAsync(spec, cancellationToken);
        }
    }

    /// <summary>The resource is gone: stop its nodes and remove what ECK owned (the API server's garbage collector would).</summary>
    private async Task ForgetAsync(string ns, string name, string key)
    {
        if (!memory.TryRemove(key, out _))
        {
            return;
        }

        if (fleet is not null)
        {
            await fleet.RemoveEckClusterAsync(ns, name);
        }

        foreach (var kind in new[] { "Pod", "Service", "Secret" })
        {
            foreach (var obj in store.List(kind, ns, EckNames.ClusterLabels(name)))
            {
                var owned = (obj["metadata"]?["ownerReferences"] as JsonArray)?.Count > 0 || kind == "Pod";
                if (owned)
                {
                    store.Delete(kind, ns, (string)obj["metadata"]!["name"]!);
                }
            }
        }
    }

    /// <summary>What the operator remembers about a cluster between reconciliations (ECK keeps this in its expectations).</summary>
    private sealed class ClusterMemory(string uid)
    {
        public string Uid { get; } = uid;

        public bool Started { get; set; }

        public string? LiveHash { get; set; }

        public string? LastInvalid { get; set; }
    }
}
