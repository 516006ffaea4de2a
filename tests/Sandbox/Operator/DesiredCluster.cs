using System.Security.Cryptography;
using System.Text;
using Sandbox.Elasticsearch;

namespace Sandbox.Operator;

/// <summary>One pod the cluster should have, and where it stands.</summary>
internal sealed record PodPlan(string Name, string StatefulSet, NodeSetSpec NodeSet, int Ordinal, string? RunningHash, bool Ready);

/// <summary>
/// Everything reconciled for one cluster in one pass: the spec the nodes should run, the hash of the settings that
/// need a restart to change, and the pods.
/// </summary>
internal sealed record DesiredCluster(EckClusterSpec Spec, string RestartHash, string LiveHash, IReadOnlyList<PodPlan> Pods)
{
    /// <summary>
    /// Settings Elasticsearch reads only at start (ECK rolls the pods when they change): version, the remote cluster
    /// server, and the additional transport CAs. The operator's own transport CA is not among them: a rotated CA and the
    /// certificates it issues reach the pods through the mounted secret and are reloaded, without a restart.
    /// </summary>
    public static string ComputeRestartHash(string version, bool remoteClusterServer, string additionalCas) =>
        Hash($"{version}|{remoteClusterServer}|{additionalCas}");

    /// <summary>
    /// What a running node picks up without a restart: the HTTP certificate, the elastic password and each pod's
    /// transport certificate (Elasticsearch reloads the files ECK's secrets are mounted as).
    /// </summary>
    public static string ComputeLiveHash(string httpThumbprint, string password, IEnumerable<string> transportThumbprints) =>
        Hash($"{httpThumbprint}|{password}|{string.Join(',', transportThumbprints)}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
