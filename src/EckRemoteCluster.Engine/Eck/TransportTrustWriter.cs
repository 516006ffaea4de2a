using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// Makes an ECK cluster trust extra transport CAs (certificate model): ECK reads key ca.crt of the ConfigMap named in
/// spec.transport.tls.certificateAuthorities.configMapName and appends it to &lt;name&gt;-es-transport-certs-public.
/// A ConfigMap the cluster already names keeps its CAs and gets the missing ones appended; otherwise the module
/// creates its own (labelled managed-by) and points the spec at it.
/// </summary>
internal sealed class TransportTrustWriter(ClusterReader reader)
{
    public Task<TransportTrustPlan> PlanAsync(EckCluster cluster, string caPem, IOperationReporter reporter, CancellationToken cancellationToken) =>
        PlanAsync(cluster, caPem, null, reporter, cancellationToken);

    /// <summary>
    /// The annotation on the trust ConfigMap in which Sync-RemoteClusterTrust records the SHA-256 fingerprints it made
    /// the ECK cluster trust for one local cluster: what it may remove again once that cluster's CA has rotated, and
    /// nothing else (the ConfigMap may hold other clusters' CAs).
    /// </summary>
    public static string FollowedCaAnnotation(string localCluster)
    {
        var name = new string(localCluster.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-', '_', '.');
        name = "local-ca." + (name.Length == 0 ? "cluster" : name);
        return "eckremotecluster/" + (name.Length > 63 ? name[..63].TrimEnd('-', '_', '.') : name);
    }

    /// <summary>
    /// With <paramref name="followedCluster"/>: the CAs recorded for that local cluster that are no longer in
    /// <paramref name="caPem"/> are removed from ca.crt (a rotated local CA), and the record is updated.
    /// </summary>
    public async Task<TransportTrustPlan> PlanAsync(EckCluster cluster, string caPem, string? followedCluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = reader.Session(cluster);
        var resource = await ElasticsearchResources.GetAsync(session, cluster.Namespace, cluster.Name, cancellationToken).ConfigureAwait(false);
        var referenced = resource.TransportCaConfigMapName;
        var name = referenced ?? EckNames.OwnTransportCaConfigMap(cluster.Name);
        var wanted = Certificates(caPem);
        var fingerprints = wanted.Select(c => c.GetCertHashString(HashAlgorithmName.SHA256)).ToArray();
        var configMap = await KubernetesReads.ConfigMapOrNullAsync(session, cluster.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (configMap is null)
        {
            return new TransportTrustPlan(cluster, name, FileChange.Created, caPem, referenced is null, fingerprints,
                $"Create ConfigMap {cluster.Namespace}/{name} (ca.crt: {Subjects(wanted)})"
                + (referenced is null ? $" and set spec.transport.tls.certificateAuthorities.configMapName of {cluster} to it" : string.Empty),
                Followed(followedCluster, fingerprints));
        }

        if (referenced is null && !(configMap.Metadata?.Labels?.TryGetValue(EckNames.ManagedByLabel, out var managedBy) == true && managedBy == EckNames.ManagedByValue))
        {
            throw new EckRemoteClusterException(
                ErrorIds.ConfigMapNameTaken,
                EckErrorCategory.ResourceExists,
                $"ConfigMap {cluster.Namespace}/{name} exists, was not created by this module, and {cluster} does not reference it.",
                $"Point the cluster at it yourself (spec.transport.tls.certificateAuthorities.configMapName: {name}) and run this again, or delete it.",
                cluster);
        }

        reporter.Verbose($"{cluster} trusts the CAs of ConfigMap {cluster.Namespace}/{name}.");
        var existingPem = configMap.Data is { } data && data.TryGetValue(EckNames.CaKey, out var ca) ? ca : string.Empty;
        var existingCertificates = Certificates(existingPem);
        var existing = existingCertificates.Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = wanted.Where(c => !existing.Contains(c.Thumbprint)).ToList();
        var annotations = Followed(followedCluster, fingerprints);
        string[] recorded = [];
        if (annotations is not null && configMap.Metadata?.Annotations is { } present && present.TryGetValue(annotations.Keys.Single(), out var list))
        {
            recorded = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var superseded = existingCertificates
            .Where(c => recorded.Contains(Fingerprint(c), StringComparer.OrdinalIgnoreCase) && !fingerprints.Contains(Fingerprint(c), StringComparer.OrdinalIgnoreCase))
            .ToList();
        var recordChanges = annotations is not null && !recorded.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(fingerprints.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        if (missing.Count == 0 && superseded.Count == 0 && !recordChanges)
        {
            return new TransportTrustPlan(cluster, name, FileChange.Unchanged, existingPem, referenced is null, fingerprints,
                referenced is null
                    ? $"Set spec.transport.tls.certificateAuthorities.configMapName of {cluster} to {name}"
                    : $"{cluster} already trusts {Subjects(wanted)} (ConfigMap {cluster.Namespace}/{name}).");
        }

        var merged = missing.Count == 0 && superseded.Count == 0 ? existingPem
            : superseded.Count == 0
            ? existingPem.TrimEnd() + (existingPem.Length > 0 ? "\n" : string.Empty) + string.Concat(missing.Select(c => c.ExportCertificatePem() + "\n"))
            : string.Concat(existingCertificates.Except(superseded).Concat(missing).Select(c => c.ExportCertificatePem() + "\n"));
        var description = missing.Count > 0
            ? $"Add {Subjects(missing)} to ca.crt of ConfigMap {cluster.Namespace}/{name}, keeping the {existing.Count - superseded.Count} CA(s) it holds"
            : $"Record {Subjects(wanted)} as the CA(s) of '{followedCluster}' on ConfigMap {cluster.Namespace}/{name}";
        if (superseded.Count > 0)
        {
            description += $"; remove {Subjects(superseded)}, which '{followedCluster}' no longer uses";
        }

        return new TransportTrustPlan(cluster, name, FileChange.Updated, merged, referenced is null, fingerprints,
            description + (referenced is null ? $", and set spec.transport.tls.certificateAuthorities.configMapName of {cluster} to it" : string.Empty),
            annotations);
    }

    private static Dictionary<string, string>? Followed(string? followedCluster, string[] fingerprints) =>
        followedCluster is null ? null : new Dictionary<string, string> { [FollowedCaAnnotation(followedCluster)] = string.Join(",", fingerprints) };

    private static string Fingerprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    public async Task<EckTransportTrust> ApplyAsync(TransportTrustPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var session = reader.Session(cluster);
        var operation = new KubernetesErrors.Operation("create", "configmaps", cluster.Namespace, plan.ConfigMapName, session);
        if (plan.ConfigMapChange == FileChange.Created)
        {
            reporter.Verbose($"Creating ConfigMap {cluster.Namespace}/{plan.ConfigMapName}.");
            var configMap = new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = plan.ConfigMapName,
                    NamespaceProperty = cluster.Namespace,
                    Labels = new Dictionary<string, string> { [EckNames.ManagedByLabel] = EckNames.ManagedByValue, [EckNames.ClusterNameLabel] = cluster.Name },
                    Annotations = plan.Annotations?.ToDictionary(),
                },
                Data = new Dictionary<string, string> { [EckNames.CaKey] = plan.CaPem },
            };
            await KubernetesErrors.Run(operation, () => session.Client.CoreV1.CreateNamespacedConfigMapAsync(
                configMap, cluster.Namespace, fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        else if (plan.ConfigMapChange == FileChange.Updated)
        {
            // A merge patch of data.ca.crt only: other keys of a user's ConfigMap stay as they are.
            reporter.Verbose($"Adding the CA to ca.crt of ConfigMap {cluster.Namespace}/{plan.ConfigMapName}.");
            var patch = new JsonObject { ["data"] = new JsonObject { [EckNames.CaKey] = plan.CaPem } };
            if (plan.Annotations is { } annotations)
            {
                patch["metadata"] = new JsonObject { ["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))) };
            }

            await KubernetesErrors.Run(operation with { Verb = "patch" }, () => session.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), plan.ConfigMapName, cluster.Namespace,
                fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        if (plan.PointSpecAtConfigMap)
        {
            reporter.Verbose($"Setting spec.transport.tls.certificateAuthorities.configMapName of {cluster} to {plan.ConfigMapName} (merge patch).");
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["transport"] = new JsonObject
                    {
                        ["tls"] = new JsonObject { ["certificateAuthorities"] = new JsonObject { ["configMapName"] = plan.ConfigMapName } },
                    },
                },
            };
            var updated = await ElasticsearchResources.MergePatchAsync(session, cluster.Namespace, cluster.Name, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
            cluster = updated.ToEckCluster(session);
        }

        return Result(plan, cluster);
    }

    public static EckTransportTrust Result(TransportTrustPlan plan, EckCluster cluster) =>
        new(cluster, plan.ConfigMapName, plan.ConfigMapChange, plan.PointSpecAtConfigMap, plan.RequestedFingerprints);

    private static X509Certificate2[] Certificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        if (pem.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            collection.ImportFromPem(pem);
        }

        return collection.ToArray();
    }

    private static string Subjects(IEnumerable<X509Certificate2> certificates) => string.Join(", ", certificates.Select(c => $"'{c.Subject}'"));
}
