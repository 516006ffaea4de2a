namespace Sandbox.Operator;

/// <summary>One node of inProgressOperations.upgrade.nodes (status PENDING until ECK deletes the pod, then DELETED).</summary>
public sealed record UpgradedNode(string Name, string Status);

/// <summary>What the operator reports in an Elasticsearch resource's status.</summary>
public sealed record ClusterStatus(
    string Phase,
    string Health,
    int AvailableNodes,
    string? ReconciliationMessage,
    IReadOnlyList<UpgradedNode> UpgradeNodes,
    bool Reachable)
{
    public const string Ready = "Ready";
    public const string ApplyingChanges = "ApplyingChanges";
    public const string Invalid = "Invalid";

    /// <summary>ECK's requeue reason while pods still run the previous spec.</summary>
    public const string UpgradeInProgress = "Nodes upgrade in progress";
}
