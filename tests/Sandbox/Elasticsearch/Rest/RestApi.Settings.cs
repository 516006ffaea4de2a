using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>GET and PUT _cluster/settings.</summary>
public static partial class RestApi
{
    private static Task<RestResponse> GetClusterSettings(RestRequest request)
    {
        var flat = request.QueryFlag("flat_settings");
        var (persistent, transient) = request.Node.Cluster.State.Settings;
        var body = new JsonObject
        {
            ["persistent"] = SettingsJson.Render(persistent, flat),
            ["transient"] = SettingsJson.Render(transient, flat),
        };
        if (request.QueryFlag("include_defaults"))
        {
            body["defaults"] = SettingsJson.Render(Defaults(request.Node), flat);
        }

        return Done(body);
    }

    /// <summary>A representative subset of the defaults: node settings from elasticsearch.yml and the remote defaults.</summary>
    private static IEnumerable<KeyValuePair<string, SettingValue>> Defaults(EsNode node)
    {
        var defaults = new SortedDictionary<string, SettingValue>(StringComparer.Ordinal)
        {
            ["cluster.name"] = SettingValue.Of(node.Cluster.State.ClusterName),
            ["node.name"] = SettingValue.Of(node.Name),
            ["cluster.remote.initial_connect_timeout"] = SettingValue.Of("30s"),
            ["cluster.remote.connections_per_cluster"] = SettingValue.Of("3"),
            ["cluster.remote.node.attr"] = SettingValue.Of(string.Empty),
            ["xpack.security.enabled"] = SettingValue.Of("true"),
            ["xpack.security.remote_cluster_client.ssl.enabled"] = SettingValue.Of("true"),
            ["remote_cluster_server.enabled"] = SettingValue.Of(node.Config.RemoteClusterServerEnabled ? "true" : "false"),
        };
        foreach (var (key, value) in node.Config.Settings)
        {
            defaults[key] = value;
        }

        return defaults;
    }

    /// <summary>
    /// PUT _cluster/settings: validated and installed as one step, answered once the nodes applied the new settings
    /// (for an added or changed remote, after each node's first connection attempt ended or 10 s passed; see
    /// <see cref="EsCluster"/>).
    /// </summary>
    private static async Task<RestResponse> PutClusterSettings(RestRequest request)
    {
        var body = request.RequireObjectBody();
        foreach (var field in body.Select(p => p.Key))
        {
            if (field is not ("persistent" or "transient"))
            {
                throw EsException.Parse($"[1:2] [cluster_update_settings_request] unknown field [{field}]");
            }
        }

        var state = request.Node.Cluster.State;
        var persistentUpdates = SettingsJson.Flatten(body["persistent"] as JsonObject);
        var transientUpdates = SettingsJson.Flatten(body["transient"] as JsonObject);
        await state.UpdateSettingsAsync(
            (persistent, transient) => ClusterSettingsUpdate.Apply(persistent, transient, persistentUpdates, transientUpdates, request.Node.Config.Settings),
            applied => (applied.Persistent, applied.Transient, applied.ChangedKeys));
        var flat = request.QueryFlag("flat_settings");
        return new RestResponse(200, new JsonObject
        {
            ["acknowledged"] = true,
            ["persistent"] = SettingsJson.Render(NonNull(persistentUpdates), flat),
            ["transient"] = SettingsJson.Render(NonNull(transientUpdates), flat),
        });
    }

    private static IEnumerable<KeyValuePair<string, SettingValue>> NonNull(Dictionary<string, SettingValue?> updates) =>
        updates.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, SettingValue>(p.Key, p.Value!));

    private static Task<RestResponse> RemoteInfo(RestRequest request) => Done(request.Node.Connections.Info());

    /// <summary>
    /// POST _nodes[/{node_id}]/reload_secure_settings (RestReloadSecureSettingsAction, TransportNodesReloadSecureSettingsAction):
    /// the caller needs manage for the request; a failure on a node (wrong keystore password, unreadable keystore, or a
    /// caller who may not reload remote credentials) is that node's reload_exception in a 200 answer.
    /// </summary>
    private static async Task<RestResponse> ReloadSecureSettings(RestRequest request)
    {
        var cluster = request.Node.Cluster;
        var version = cluster.State.Version;
        var credentialsDenied = version.ReloadsRemoteCredentials
            ? ClusterAction.ReloadRemoteCredentials(version).Denial(request.Principal)
            : null;
        var password = (request.Body as JsonObject)?["secure_settings_password"]?.GetValue<string>() ?? string.Empty;
        var selected = NodeFilter.Resolve(request.PathParameters.GetValueOrDefault("node_id"), cluster, request.Node);
        // The nodes reload in parallel, each on a thread of its own pool (ThreadPool.Names.GENERIC), and the answer comes
        // when all of them answered (TransportNodesAction). Each starts on a pool thread here: a node's keystore read and
        // key derivation run before its first await, so calling them in turn on this thread would reload one by one.
        var answers = await Task.WhenAll(selected.Select(node => Task.Run(() => node.ReloadSecureSettingsAsync(password, credentialsDenied))));
        var nodes = new JsonObject();
        foreach (var (node, answer) in selected.Zip(answers))
        {
            nodes[node.Id] = answer;
        }

        return new RestResponse(200, new JsonObject
        {
            ["_nodes"] = new JsonObject { ["total"] = selected.Count, ["successful"] = selected.Count, ["failed"] = 0 },
            ["cluster_name"] = cluster.State.ClusterName,
            ["nodes"] = nodes,
        });
    }
}
