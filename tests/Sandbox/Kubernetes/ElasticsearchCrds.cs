using System.Collections.Concurrent;

namespace Sandbox.Kubernetes;

/// <summary>
/// The Elasticsearch CRD as the emulated ECK release installs it (see Crds/SOURCE.md): kube-apiserver validates, prunes
/// and publishes (OpenAPI v3) custom resources by the CRD that is installed, so a 3.2 API server drops
/// spec.remoteClusterServer.service while a 3.3 one keeps it.
/// </summary>
public static class ElasticsearchCrds
{
    public const string DefaultEckVersion = "3.3.0";

    private static readonly ConcurrentDictionary<string, Lazy<CrdSchema>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The embedded CRD file served for <paramref name="eckVersion"/>.</summary>
    public static string ResourceFor(string eckVersion)
    {
        var version = Version.Parse(eckVersion);
        return version < new Version(3, 3) ? "elasticsearches-v3.2.0.yaml"
            : version < new Version(3, 4) ? "elasticsearches-v3.3.0.yaml"
            : "elasticsearches-v3.5.0.yaml";
    }

    /// <summary>The v1 schema of that CRD, parsed once per file (schemas are read-only once loaded).</summary>
    public static CrdSchema For(string eckVersion) =>
        Loaded.GetOrAdd(ResourceFor(eckVersion), name => new Lazy<CrdSchema>(() => CrdSchema.LoadEmbedded(name, "v1"))).Value;
}
