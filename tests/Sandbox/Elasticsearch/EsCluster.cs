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
        State.ApplySettings = ApplySettingsAsync;
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

    /// <summary>
    /// How long a node's settings consumer waits for the first connection attempt of a remote whose settings were added
    /// or changed before it lets the cluster-state update go on: RemoteClusterService.updateRemoteCluster (elastic/elasticsearch
    /// server/src/main/java/org/elasticsearch/transport/RemoteClusterService.java; updateLinkedProject on main) counts a
    /// CountDownLatch down when the attempt succeeded or failed and awaits it for 10 seconds on the cluster applier thread.
    /// </summary>
    public static readonly TimeSpan RemoteUpdateWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Every node's RemoteClusterService reacts to changed cluster.remote.* settings: a remote no longer enabled is closed
    /// and removed at once; an added or changed one is (re)connected, and the update is acknowledged only when each node's
    /// first attempt for it has ended (connected or failed), or after <see cref="RemoteUpdateWait"/>, as Elasticsearch's
    /// consumer waits on the applier thread and the master acknowledges once every node applied the state. Unlike
    /// Elasticsearch, which applies the aliases of one update one after another, each with its own 10 s, the sandbox
    /// starts the attempts together and waits for them under one bound. A change of skip_unavailable alone rebuilds
    /// nothing (<see cref="RemoteClusterConnections.UpdateSkipUnavailable"/>).
    /// </summary>
    private async Task ApplySettingsAsync(IReadOnlyCollection<string> keys)
    {
        var changed = keys.Where(k => k.StartsWith(RemoteClusterConfig.Prefix, StringComparison.Ordinal))
            .Select(k => k[RemoteClusterConfig.Prefix.Length..])
            .Where(rest => rest.Contains('.'))
            .GroupBy(rest => rest[..rest.IndexOf('.')], rest => rest[(rest.IndexOf('.') + 1)..], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (changed.Count == 0)
        {
            return;
        }

        // skip_unavailable changed alone: set on the existing connection, nothing to connect or wait for.
        var skipOnly = changed.Where(c => c.Value.All(key => key == "skip_unavailable")).Select(c => c.Key).ToList();
        var registered = RemoteClusterConfig.Aliases(State.EffectiveSettings());
        var refreshes = new List<Task>();
        var waitsForAttempts = false;
        foreach (var node in Nodes)
        {
            node.Connections.DropDeregistered();
            var updatedInPlace = skipOnly.Where(node.Connections.UpdateSkipUnavailable).ToList();
            var rebuild = changed.Keys.Except(updatedInPlace).ToHashSet(StringComparer.Ordinal);
            if (rebuild.Count > 0)
            {
                refreshes.Add(node.Background(ct => node.Connections.RefreshAsync(rebuild, ct)));
                waitsForAttempts |= registered.Any(rebuild.Contains);
            }
        }

        if (!waitsForAttempts)
        {
            // Only removals and in-place changes: those were done above, before the update is acknowledged.
            return;
        }

        try
        {
            await Task.WhenAll(refreshes).WaitAsync(RemoteUpdateWait);
        }
        catch (TimeoutException)
        {
            // The attempts go on; the update is applied without them, as after the latch's await gave up.
        }
    }
}
