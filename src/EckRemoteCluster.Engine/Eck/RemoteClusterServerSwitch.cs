using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Turns spec.remoteClusterServer.enabled on or off, refusing what ECK would refuse.</summary>
internal sealed class RemoteClusterServerSwitch(ClusterReader reader)
{
    public static void EnsureSupported(EckCluster cluster)
    {
        var version = ElasticsearchVersions.Parse(cluster.Version);
        if (version is not null && version < EckNames.MinimumRemoteClusterServerVersion)
        {
            throw new EckRemoteClusterException(
                ErrorIds.RemoteClusterServerUnsupportedVersion,
                EckErrorCategory.InvalidOperation,
                $"Cluster '{cluster}' runs Elasticsearch {cluster.Version}; the remote cluster server (API-key security model) needs {EckNames.MinimumRemoteClusterServerVersion} or later, and ECK would mark the cluster Invalid.",
                "Upgrade the cluster (spec.version) to 8.14 or later first, or connect it with the TLS-certificate model over the transport port (9300).",
                cluster);
        }
    }

    public async Task<EckCluster> SetAsync(EckCluster cluster, bool enabled, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = reader.Session(cluster);
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["remoteClusterServer"] = new JsonObject { ["enabled"] = enabled } },
        };
        reporter.Verbose($"Setting spec.remoteClusterServer.enabled to {(enabled ? "true" : "false")} on {cluster} (merge patch).");
        var updated = await ElasticsearchResources.MergePatchAsync(session, cluster.Namespace, cluster.Name, patch.ToJsonString(), cancellationToken)
            .ConfigureAwait(false);
        return updated.ToEckCluster(session);
    }
}
