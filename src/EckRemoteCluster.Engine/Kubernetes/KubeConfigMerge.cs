using k8s;
using k8s.KubeConfigModels;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// Merges the files of a KUBECONFIG path list the way kubectl does: for clusters, users and contexts the first file
/// that defines a name wins, and so does the first current-context. (KubernetesClient does this internally but does
/// not expose it with a choice of context.)
/// </summary>
internal static class KubeConfigMerge
{
    public static K8SConfiguration Load(IReadOnlyList<string> files)
    {
        K8SConfiguration? merged = null;
        foreach (var file in files)
        {
            // useRelativePaths: certificate and key paths in each file are relative to that file, as kubectl reads them.
            var next = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: true);
            merged = merged is null ? next : Merge(merged, next);
        }

        return merged ?? new K8SConfiguration();
    }

    private static K8SConfiguration Merge(K8SConfiguration first, K8SConfiguration second)
    {
        first.CurrentContext = string.IsNullOrEmpty(first.CurrentContext) ? second.CurrentContext : first.CurrentContext;
        first.Clusters = Union(first.Clusters, second.Clusters, c => c.Name);
        first.Users = Union(first.Users, second.Users, u => u.Name);
        first.Contexts = Union(first.Contexts, second.Contexts, c => c.Name);
        return first;
    }

    private static List<T> Union<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
    {
        var result = new List<T>(first ?? []);
        var names = new HashSet<string>(result.Select(name), StringComparer.Ordinal);
        result.AddRange((second ?? []).Where(item => names.Add(name(item))));
        return result;
    }
}
