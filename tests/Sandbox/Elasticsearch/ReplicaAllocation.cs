using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch;

/// <summary>
/// What cluster health sees of shard allocation, reduced to what a rolling restart depends on: a node leaving a
/// cluster of several nodes leaves the replicas it held unassigned (yellow); they are assigned again once every node
/// is back and <c>cluster.routing.allocation.enable</c> (transient over persistent, default <c>all</c>) lets
/// replicas be allocated, as EnableAllocationDecider does. With <c>primaries</c> the cluster stays yellow.
/// </summary>
public sealed class ReplicaAllocation(ClusterState state)
{
    public const string EnableSetting = "cluster.routing.allocation.enable";

    private static readonly string[] Values = ["all", "primaries", "new_primaries", "none"];

    private readonly object _lock = new();
    private bool _replicasUnassigned;

    /// <summary>The values EnableAllocationDecider.Allocation.parse accepts (case-insensitive).</summary>
    public static bool IsValid(string value) => Values.Contains(value.ToLowerInvariant());

    public void NodeLeft(int nodesInCluster)
    {
        lock (_lock)
        {
            _replicasUnassigned |= nodesInCluster > 1;
        }
    }

    /// <summary>green or yellow; evaluating it assigns the replicas when allocation allows.</summary>
    public string Status(bool everyNodeRunning)
    {
        lock (_lock)
        {
            if (_replicasUnassigned && everyNodeRunning && AllocatesReplicas())
            {
                _replicasUnassigned = false;
            }

            return _replicasUnassigned ? "yellow" : "green";
        }
    }

    private bool AllocatesReplicas() =>
        state.EffectiveSettings().GetValueOrDefault(EnableSetting)?.ToString().ToLowerInvariant() is null or "all";
}
