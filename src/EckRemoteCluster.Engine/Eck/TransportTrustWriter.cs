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
    public async Task<TransportTrustPlan> PlanAsync(EckCluster cluster, string caPem, IOperationReporter reporter, CancellationToken cancellationToken)
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
                + (referenced is null ? $" and set spec.transport.tls.certificateAuthorities.configMapName of {cluster} to it" : string.Empty));
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
        var existing = Certificates(existingPem).Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = wanted.Where(c => !existing.Contains(c.Thumbprint)).ToList();
        if (missing.Count == 0)
        {
            return new TransportTrustPlan(cluster, name, FileChange.Unchanged, existingPem, referenced is null, fingerprints,
                referenced is null
                    ? $"Set spec.transport.tls.certificateAuthorities.configMapName of {cluster} to {name}"
                    : $"{cluster} already trusts {Subjects(wanted)} (ConfigMap {cluster.Namespace}/{name}).");
        }

        var merged = existingPem.TrimEnd() + (existingPem.Length > 0 ? "\n" : string.Empty) + string.Concat(missing.Select(c => c.ExportCertificatePem() + "\n"));
        return new TransportTrustPlan(cluster, name, FileChange.Updated, merged, referenced is null, fingerprints,
            $"Add {Subjects(missing)} to ca.crt of ConfigMap {cluster.Namespace}/{name}, keeping the {existing.Count} CA(s) it holds"
            + (referenced is null ? $", and set spec.transport.tls.certificateAuthorities.configMapName of {cluster} to it" : string.Empty));
    }

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
                },
                Data = new Dictionary<string, string> { [EckNames.CaKey] = plan.CaPem },
            };
            await KubernetesErrors.Run(operation, () => session.Client.CoreV1.CreateNamespacedConfigMapAsync(
                configMap, cluster.Namespace, fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        else if (plan.ConfigMapChange == FileChange.Updated)
        {
            // A merge patch of data.ca.crt only: other keys of a user's ConfigMap stay as they are.
            reporter.Verbose($"Adding the CA to ca.crt of ConfigMap {cluster.Namespace}/{plan.ConfigMapName}.");
            var patch = new JsonObject { ["data"] = new JsonObject { [EckNames.CaKey] = plan.CaPem } };
            await KubernetesErrors.Run(operation with { Verb = "patch" }, () => session.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), plan.ConfigMapName, cluster.Namespace,
                fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
