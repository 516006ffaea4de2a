using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Finds ECK clusters and turns their resources into <see cref="EckCluster"/> objects.</summary>
internal sealed class ClusterReader(KubernetesSessions sessions)
{
    public KubernetesSession Session(KubernetesTarget target) => sessions.Get(target);

    public KubernetesSession Session(EckCluster cluster) => sessions.Get(new KubernetesTarget(cluster.KubeConfig, cluster.Context));

    public async Task<IReadOnlyList<EckCluster>> ListAsync(
        KubernetesTarget target, string? namespaceName, bool allNamespaces, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = sessions.Get(target);
        var scope = allNamespaces ? null : session.NamespaceOrDefault(namespaceName);
        reporter.Verbose($"Listing Elasticsearch clusters in {(scope is null ? "all namespaces" : $"namespace '{scope}'")} (context '{session.ContextLabel}').");
        var list = await ElasticsearchResources.ListAsync(session, scope, cancellationToken).ConfigureAwait(false);
        return list.Items
            .OrderBy(r => r.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .Select(r => r.ToEckCluster(session))
            .ToList();
    }

    public async Task<EckCluster> GetAsync(
        KubernetesTarget target, string? namespaceName, string name, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = sessions.Get(target);
        var scope = session.NamespaceOrDefault(namespaceName);
        reporter.Debug($"GET {EckNames.ElasticsearchPlural} {scope}/{name} (context '{session.ContextLabel}')");
        var resource = await ElasticsearchResources.GetAsync(session, scope, name, cancellationToken).ConfigureAwait(false);
        return resource.ToEckCluster(session);
    }
}
