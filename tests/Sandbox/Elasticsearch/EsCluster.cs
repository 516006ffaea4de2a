using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch;

/// <summary>The nodes of one cluster around their shared <see cref="ClusterState"/>.</summary>
public sealed class EsCluster
{
    private readonly object _lock = new();
    private readonly List<EsNode> _nodes = [];

    public EsCluster(string label, ClusterState state)
    {
        Label = label;
        State = state;
        Allocation = new ReplicaAllocation(state);
        State.SettingsChanged += OnSettingsChanged;
    }

    /// <summary>Replica allocation as cluster health reports it (yellow after a node left, until it is back and allowed).</summary>
    public ReplicaAllocation Allocation { get; }

    /// <summary>Cluster health's status now.</summary>
    public string HealthStatus() => Allocation.Status(Nodes.All(n => n.Running));

    /// <summary>How the control API and fault targets name the cluster ("local", "elastic/quickstart").</summary>
    public string Label { get; }

    public ClusterState State { get; }

    public IReadOnlyList<EsNode> Nodes
    {
        get
        {
            lock (_lock)
            {
                return [.. _nodes];
            }
        }
    }

    public void Add(EsNode node)
    {
        lock (_lock)
        {
            _nodes.Add(node);
        }
    }

    public void Remove(EsNode node)
    {
        lock (_lock)
        {
            _nodes.Remove(node);
        }
    }

    public EsNode? Find(string nameOrId) => Nodes.FirstOrDefault(n => n.Name == nameOrId || n.Id == nameOrId);

    /// <summary>Every node's RemoteClusterService reacts to changed cluster.remote.* settings by (re)connecting.</summary>
    private void OnSettingsChanged(IReadOnlyCollection<string> keys)
    {
        var aliases = keys.Where(k => k.StartsWith(RemoteClusterConfig.Prefix, StringComparison.Ordinal))
            .Select(k => k[RemoteClusterConfig.Prefix.Length..])
            .Where(rest => rest.Contains('.'))
            .Select(rest => rest[..rest.IndexOf('.')])
            .ToHashSet(StringComparer.Ordinal);
        if (aliases.Count == 0)
        {
            return;
        }

        foreach (var node in Nodes)
        {
            node.Connections.DropDeregistered();
            node.Background(ct => node.Connections.RefreshAsync(aliases, ct));
        }
    }
}
