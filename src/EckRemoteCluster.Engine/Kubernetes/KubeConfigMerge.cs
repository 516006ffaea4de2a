using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

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
            var next = Read(file);
            merged = merged is null ? next : Merge(merged, next);
        }

        return merged ?? new K8SConfiguration();
    }

    /// <summary>
    /// Reads one kubeconfig file as KubernetesClient's LoadKubeConfig(file, useRelativePaths: true) does, without its
    /// KubernetesYaml: that class's static set-up indexes every Kubernetes model type of the library by reflection,
    /// 720-810 ms at load average 35 (the cold Get-EckCluster's median went from 1564 to 956 ms without it, at load 26;
    /// docs/performance.md), for a file whose model types all name their YAML keys themselves (YamlMember aliases).
    /// </summary>
    public static K8SConfiguration Read(string file)
    {
        var info = new FileInfo(file);
        if (!info.Exists)
        {
            throw new KubeConfigException($"kubeconfig file not found at {info.FullName}");
        }

        // An empty file reads as no configuration at all (no contexts), not as a null the caller trips over.
        var config = s_deserializer.Value.Deserialize<K8SConfiguration?>(File.ReadAllText(info.FullName)) ?? new K8SConfiguration();

        // Certificate and key paths in the file are relative to the file, as kubectl reads them.
        config.FileName = info.FullName;
        return config;
    }

    // As KubernetesYaml builds it for these types: unknown keys are skipped (kubectl's newer fields), and an unquoted
    // scalar under an untyped key (preferences, extensions) becomes a bool or number rather than a string.
    private static readonly Lazy<IDeserializer> s_deserializer = new(() => new DeserializerBuilder()
        .IgnoreUnmatchedProperties()
        .WithAttemptingUnquotedStringTypeDeserialization()
        .Build());

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
