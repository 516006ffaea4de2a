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
public sealed class ElasticsearchNodeRestart
{
    internal ElasticsearchNodeRestart(
        string nodeName, string nodeId, string location, NodeRestartMethod method, string healthBefore, string healthAfter,
        string? allocationEnable, TimeSpan duration)
    {
        NodeName = nodeName;
        NodeId = nodeId;
        Location = location;
        Method = method;
        HealthBefore = healthBefore;
        HealthAfter = healthAfter;
        AllocationEnable = allocationEnable;
        Duration = duration;
    }

    public string NodeName { get; }

    /// <summary>The node's persistent id, the same before and after the restart.</summary>
    public string NodeId { get; }

    /// <summary>Where the node is: the session's computer and config directory, or the config directory.</summary>
    public string Location { get; }

    public NodeRestartMethod Method { get; }

    /// <summary>Cluster health just before the restart (green or yellow).</summary>
    public string HealthBefore { get; }

    /// <summary>Cluster health when the restart was done: as good as before.</summary>
    public string HealthAfter { get; }

    /// <summary>cluster.routing.allocation.enable as put back (null: the default, all).</summary>
    public string? AllocationEnable { get; }

    public TimeSpan Duration { get; }

    public override string ToString() => $"{NodeName} ({NodeId})";
}
