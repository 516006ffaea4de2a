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
    /// server, and the transport CA trust.
    /// </summary>
    public static string ComputeRestartHash(string version, bool remoteClusterServer, string transportCaThumbprint, string additionalCas) =>
        Hash($"{version}|{remoteClusterServer}|{transportCaThumbprint}|{additionalCas}");

    /// <summary>Settings a running node picks up without a restart (HTTP certificate, elastic password).</summary>
    public static string ComputeLiveHash(string httpThumbprint, string password) => Hash($"{httpThumbprint}|{password}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
