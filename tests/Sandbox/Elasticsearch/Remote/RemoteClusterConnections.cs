using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// A node's RemoteClusterService: one connection per registered alias, rebuilt when the alias's settings change, when
/// the node's credentials for it change (reload_secure_settings) and when the node starts.
/// </summary>
/// <remarks>
/// A deregistered alias is gone from _remote/info by the time the settings update is acknowledged: Elasticsearch's
/// settings consumer (RemoteClusterService.updateRemoteCluster, elastic/elasticsearch
/// server/src/main/java/org/elasticsearch/transport/RemoteClusterService.java) closes and removes it on the cluster
/// applier thread, and PUT _cluster/settings answers once every node has applied the state. So removals happen at
/// once (<see cref="DropDeregistered"/>), never behind a reconnection that holds the refresh gate, and a refresh that
/// read the settings before a removal cannot bring the alias back.
/// </remarks>
public sealed class RemoteClusterConnections(EsNode node) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RemoteConnection> _connections = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly object _membership = new();

    public IReadOnlyDictionary<string, RemoteConnection> Current => _connections;

    /// <summary>Closes and forgets, before returning, the connections of aliases the settings no longer register.</summary>
    public void DropDeregistered()
    {
        List<RemoteConnection> closed = [];
        lock (_membership)
        {
            var registered = RemoteClusterConfig.Aliases(node.Cluster.State.EffectiveSettings());
            foreach (var gone in _connections.Keys.Except(registered).ToList())
            {
                if (_connections.TryRemove(gone, out var old))
                {
                    closed.Add(old);
                }
            }
        }

        foreach (var old in closed)
        {
            _ = node.Background(async _ => await old.DisposeAsync());
        }
    }

    /// <summary>
    /// A remote whose skip_unavailable alone changed keeps its connection: RemoteClusterService.updateRemoteCluster only
    /// rebuilds when RemoteConnectionStrategy.shouldRebuildConnection says so (mode, addresses, socket counts, server
    /// name, ping schedule, compression) and otherwise sets skip_unavailable on the connection it has (UPDATED; a separate
    /// updateSkipUnavailable consumer in older releases). False when this node has no connection for the alias.
    /// </summary>
    public bool UpdateSkipUnavailable(string alias)
    {
        lock (_membership)
        {
            if (!_connections.TryGetValue(alias, out var connection)
                || RemoteClusterConfig.From(alias, node.Cluster.State.EffectiveSettings(), node.Cluster.State.Version) is not { } config)
            {
                return false;
            }

            connection.SetSkipUnavailable(config.SkipUnavailable);
            return true;
        }
    }

    /// <summary>Re-reads the registered remotes and reconnects those named (all when null); drops deregistered ones.</summary>
    public async Task RefreshAsync(IReadOnlyCollection<string>? aliases, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            DropDeregistered();
            var settings = node.Cluster.State.EffectiveSettings();
            var registered = RemoteClusterConfig.Aliases(settings);
            var attempts = new List<Task>();
            foreach (var alias in registered.Where(a => aliases is null || aliases.Contains(a)))
            {
                var config = RemoteClusterConfig.From(alias, settings, node.Cluster.State.Version)!;
                var connection = new RemoteConnection(node, config, node.RemoteCredentials.GetValueOrDefault(alias));
                RemoteConnection? old = null;
                bool dropped;
                lock (_membership)
                {
                    // The settings may have dropped the alias since they were read above: then it stays dropped.
                    dropped = !RemoteClusterConfig.Aliases(node.Cluster.State.EffectiveSettings()).Contains(alias);
                    if (!dropped)
                    {
                        _connections.TryGetValue(alias, out old);
                        _connections[alias] = connection;
                    }
                }

                if (dropped)
                {
                    await connection.DisposeAsync();
                    continue;
                }

                if (old is not null)
                {
                    await old.DisposeAsync();
                }

                attempts.Add(connection.ConnectAsync(cancellationToken));
            }

            await Task.WhenAll(attempts);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>The connection for a registered alias, or no_such_remote_cluster_exception.</summary>
    public RemoteConnection Get(string alias) =>
        _connections.TryGetValue(alias, out var connection)
            ? connection
            : throw new EsException(404, "no_such_remote_cluster_exception", $"no such remote cluster: [{alias}]");

    /// <summary>GET _remote/info as this node sees it.</summary>
    public JsonObject Info()
    {
        var info = new JsonObject();
        foreach (var (alias, connection) in _connections.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var config = connection.Config;
            connection.CheckAlive();
            var entry = new JsonObject { ["connected"] = connection.Connected, ["mode"] = config.Mode };
            if (config.IsProxy)
            {
                entry["proxy_address"] = config.ProxyAddress;
                entry["server_name"] = config.ServerName;
                entry["num_proxy_sockets_connected"] = connection.Connected ? config.ProxySocketConnections : 0;
                entry["max_proxy_socket_connections"] = config.ProxySocketConnections;
            }
            else
            {
                entry["seeds"] = new JsonArray([.. config.Seeds.Select(s => (JsonNode)s)]);
                entry["num_nodes_connected"] = connection.Connected ? 1 : 0;
                entry["max_connections_per_cluster"] = config.NodeConnections;
            }

            entry["initial_connect_timeout"] = "30s";
            entry["skip_unavailable"] = config.SkipUnavailable;
            if (connection.Credentials is not null)
            {
                entry["cluster_credentials"] = "::es_redacted::";
            }

            info[alias] = entry;
        }

        return info;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
        }

        _connections.Clear();
    }
}
