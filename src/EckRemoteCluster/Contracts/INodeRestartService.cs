namespace EckRemoteCluster.Contracts;

/// <summary>
/// Elasticsearch's documented rolling restart, one node at a time: replicas held back
/// (cluster.routing.allocation.enable: primaries), a flush, the restart itself, the node back with the same id,
/// allocation put back as it was, and the cluster back to the health it had before.
/// </summary>
internal interface INodeRestartService
{
    /// <summary>
    /// The id of each named node now in the cluster (GET _nodes), checked before anything changes: a name the cluster
    /// does not know fails with NodeNotInCluster.
    /// </summary>
    /// <summary>
    /// The node's name as the cluster knows it: node.name from elasticsearch.yml (with ${HOSTNAME} or ${COMPUTERNAME}
    /// resolved to <paramref name="hostName"/>), or the host name, Elasticsearch's default.
    /// </summary>
    string NodeNameFromConfig(string elasticsearchYml, string source, string hostName);

    Task<IReadOnlyDictionary<string, string>> FindNodesAsync(IElasticsearchClient client, IReadOnlyCollection<string> nodeNames, CancellationToken cancellationToken);

    /// <summary>
    /// Restarts one node through <see cref="NodeRestartRequest.Restart"/>. Allocation is put back however this ends:
    /// success, failure, or cancellation (Ctrl+C).
    /// </summary>
    Task<NodeRestartOutcome> RestartAsync(
        IElasticsearchClient client, NodeRestartRequest node, RollingRestartTimings timings, IOperationReporter reporter, CancellationToken cancellationToken);
}

/// <summary>One node: its node.name, where it is (for messages), and how to restart it.</summary>
internal sealed record NodeRestartRequest(string NodeName, string Location, NodeRestartMethod Method, Func<CancellationToken, Task> Restart);

/// <summary>How long to wait for the node to rejoin and for the health to come back, and how often to look.</summary>
internal sealed record RollingRestartTimings(TimeSpan RejoinTimeout, TimeSpan HealthTimeout, TimeSpan PollInterval)
{
    public static RollingRestartTimings Default { get; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1));
}

internal sealed record NodeRestartOutcome(
    string NodeName, string NodeId, string HealthBefore, string HealthAfter, string? AllocationEnable, TimeSpan Duration);
