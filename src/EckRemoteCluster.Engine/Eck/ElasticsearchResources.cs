using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Reads and merge-patches Elasticsearch custom resources, with Kubernetes failures turned into specific errors.</summary>
internal static class ElasticsearchResources
{
    public static Task<ElasticsearchResource> GetAsync(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken) =>
        KubernetesErrors.Run(
            new KubernetesErrors.Operation("get", EckNames.ElasticsearchPlural, namespaceName, name, session),
            () => session.Client.CustomObjects.GetNamespacedCustomObjectAsync<ElasticsearchResource>(
                EckNames.Group, EckNames.Version, namespaceName, EckNames.ElasticsearchPlural, name, cancellationToken), cancellationToken);

    public static Task<ElasticsearchResourceList> ListAsync(KubernetesSession session, string? namespaceName, CancellationToken cancellationToken) =>
        KubernetesErrors.Run(
            new KubernetesErrors.Operation("list", EckNames.ElasticsearchPlural, namespaceName, null, session),
            () => namespaceName is null
                ? session.Client.CustomObjects.ListClusterCustomObjectAsync<ElasticsearchResourceList>(
                    EckNames.Group, EckNames.Version, EckNames.ElasticsearchPlural, cancellationToken: cancellationToken)
                : session.Client.CustomObjects.ListNamespacedCustomObjectAsync<ElasticsearchResourceList>(
                    EckNames.Group, EckNames.Version, namespaceName, EckNames.ElasticsearchPlural, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>A JSON merge patch (RFC 7386): the only patch type a custom resource takes that cannot reorder or drop list items it does not mention.</summary>
    public static Task<ElasticsearchResource> MergePatchAsync(
        KubernetesSession session, string namespaceName, string name, string mergePatchJson, CancellationToken cancellationToken) =>
        KubernetesErrors.Run(
            new KubernetesErrors.Operation("patch", EckNames.ElasticsearchPlural, namespaceName, name, session),
            () => session.Client.CustomObjects.PatchNamespacedCustomObjectAsync<ElasticsearchResource>(
                new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch),
                EckNames.Group, EckNames.Version, namespaceName, EckNames.ElasticsearchPlural, name,
                fieldManager: EckNames.ManagedByValue, cancellationToken: cancellationToken), cancellationToken);
}
