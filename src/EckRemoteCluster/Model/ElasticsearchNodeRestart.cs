namespace EckRemoteCluster;

/// <summary>How Restart-ElasticsearchNode restarted a node.</summary>
public enum NodeRestartMethod
{
    /// <summary>systemctl restart on the node, through its PowerShell session.</summary>
    Systemd,

    /// <summary>Restart-Service on the node, through its PowerShell session.</summary>
    WindowsService,

    /// <summary>The -RestartCommand script block.</summary>
    Command,
}

/// <summary>One node restarted by Restart-ElasticsearchNode, back in the cluster with the health it had before.</summary>
public sealed class ElasticsearchNodeRestart(
    string nodeName,
    string nodeId,
    string location,
    NodeRestartMethod method,
    string healthBefore,
    string healthAfter,
    string? allocationEnable,
    TimeSpan duration)
{
    public string NodeName { get; } = nodeName;

    /// <summary>The node's persistent id, the same before and after the restart.</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>Where the node is: the session's computer and config directory, or the config directory.</summary>
    public string Location { get; } = location;

    public NodeRestartMethod Method { get; } = method;

    /// <summary>Cluster health just before the restart (green or yellow).</summary>
    public string HealthBefore { get; } = healthBefore;

    /// <summary>Cluster health when the restart was done: as good as before.</summary>
    public string HealthAfter { get; } = healthAfter;

    /// <summary>cluster.routing.allocation.enable as put back (null: the default, all).</summary>
    public string? AllocationEnable { get; } = allocationEnable;

    public TimeSpan Duration { get; } = duration;

    public override string ToString() => $"{NodeName} ({NodeId})";
}
