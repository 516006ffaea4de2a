using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.Rest;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch;

/// <summary>
/// One Elasticsearch node: an HTTPS REST listener, a transport listener and (when enabled) a remote cluster server
/// listener on loopback, the settings and secure settings it read at start, and its connections to remote clusters.
/// </summary>
public sealed class EsNode : IAsyncDisposable
{
    private const int MaxLogLines = 200;
    private readonly ISecureSettingsSource _secureSettings;
    private readonly NodeHttpServer _http;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<Task> _background = [];
    private CancellationTokenSource _lifetime = new();
    private TlsListener? _transport;
    private TlsListener? _remoteClusterServer;

    public EsNode(EsCluster cluster, NodeConfig config, ISecureSettingsSource secureSettings, NodeHttpServer.PipelineHook? pipeline)
    {
        Cluster = cluster;
        Config = config;
        _secureSettings = secureSettings;
        Id = RandomIds.Base64Uuid();
        _http = new NodeHttpServer(this, pipeline);
        Connections = new RemoteClusterConnections(this);
        Logs = new NodeLog(this);
    }

    /// <summary>The node's log files under path.logs (or, for an ECK pod, its console).</summary>
    public NodeLog Logs { get; }

    public string Name => Config.NodeName;

    /// <summary>The persistent node id (kept across restarts, as it lives in the data path).</summary>
    public string Id { get; }

    public EsCluster Cluster { get; }

    public NodeConfig Config { get; private set; }

    public bool Running { get; private set; }

    /// <summary><c>cluster.remote.&lt;alias&gt;.credentials</c> as read at start or at the last successful reload.</summary>
    public IReadOnlyDictionary<string, string> RemoteCredentials { get; private set; } = new Dictionary<string, string>();

    /// <summary>The other secure settings, kept for tests and for checking that p12 passwords are present.</summary>
    public IReadOnlyDictionary<string, string> SecureSettings { get; private set; } = new Dictionary<string, string>();

    public RemoteClusterConnections Connections { get; }

    public IPEndPoint Http => _http.Endpoint;

    public IPEndPoint Transport => _transport?.Endpoint ?? throw new InvalidOperationException("Node not started.");

    public IPEndPoint? RemoteClusterServer => _remoteClusterServer?.Endpoint;

    /// <summary>The transport address other nodes learn by sniffing (pods: their in-cluster name, unreachable from outside).</summary>
    public string TransportPublishAddress { get; set; } = string.Empty;

    public DateTimeOffset StartedAt { get; private set; }

    public IReadOnlyList<string> LogLines => [.. _log];

    public void Log(string line)
    {
        Logs.Info("org.elasticsearch.node.Node", line);
        _log.Enqueue($"{DateTimeOffset.UtcNow:O} [{Name}] {line}");
        while (_log.Count > MaxLogLines && _log.TryDequeue(out _))
        {
        }
    }

    /// <summary>
    /// Starts the node. <paramref name="startupSecureSettings"/> are the secure settings its config was loaded with, when
    /// the caller read them already: Elasticsearch reads and decrypts the keystore once at start (KeyStoreWrapper
    /// .bootstrap), so the node does not derive the keystore's key a second time.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? startupSecureSettings = null)
    {
        _lifetime = new CancellationTokenSource();
        ApplySecureSettings(startupSecureSettings ?? _secureSettings.Read(_secureSettings.StartupPassword).Settings);
        await _http.StartAsync(Config.HttpPort, Config.HttpCertificate, Config.HttpChain, cancellationToken);
        _transport = new TlsListener(() => (Config.TransportCertificate, Config.TransportChain), requestClientCertificate: true,
            new RemoteServerSession(this, remoteClusterServerPort: false).ServeAsync, Logs, "default");
        _transport.Start(Config.TransportPort);
        if (Config.RemoteClusterServerEnabled)
        {
            _remoteClusterServer = new TlsListener(() => (Config.TransportCertificate, Config.TransportChain), requestClientCertificate: false,
                new RemoteServerSession(this, remoteClusterServerPort: true).ServeAsync, Logs, "_remote_cluster");
            _remoteClusterServer.Start(Config.RemoteClusterPort);
        }

        if (string.IsNullOrEmpty(TransportPublishAddress) || TransportPublishAddress.StartsWith("127.", StringComparison.Ordinal))
        {
            TransportPublishAddress = Transport.ToString();
        }

        StartedAt = DateTimeOffset.UtcNow;
        Running = true;
        Log($"started; http [{Http}], transport [{Transport}]" + (RemoteClusterServer is null ? string.Empty : $", remote cluster server [{RemoteClusterServer}]"));
        _ = Background(ct => Connections.RefreshAsync(null, ct));
    }

    public async Task StopAsync()
    {
        Running = false;
        Cluster.Allocation.NodeLeft(Cluster.Nodes.Count);
        await _lifetime.CancelAsync();
        Task[] pending;
        lock (_background)
        {
            pending = [.. _background];
        }

        await Task.WhenAll(pending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await Connections.DisposeAsync();
        await _http.StopAsync();
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        if (_remoteClusterServer is not null)
        {
            await _remoteClusterServer.DisposeAsync();
        }

        _transport = null;
        _remoteClusterServer = null;
        Log("stopped");
    }

    /// <summary>Stops the node and starts it with <paramref name="config"/>, keeping its ports when they are still free.</summary>
    public async Task RestartAsync(NodeConfig config, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? startupSecureSettings = null)
    {
        var previous = (Http: _http.EndpointOrNull, Transport: _transport?.Endpoint, Rcs: _remoteClusterServer?.Endpoint);
        await StopAsync();
        Config = config with
        {
            HttpPort = config.HttpPort != 0 ? config.HttpPort : previous.Http?.Port ?? 0,
            TransportPort = config.TransportPort != 0 ? config.TransportPort : previous.Transport?.Port ?? 0,
            RemoteClusterPort = config.RemoteClusterPort != 0 ? config.RemoteClusterPort : previous.Rcs?.Port ?? 0,
        };
        await StartAsync(cancellationToken, startupSecureSettings);
    }

    /// <summary>Replaces the trusted transport CAs and certificates that Elasticsearch reloads without a restart.</summary>
    public void ApplyReloadableConfig(NodeConfig config) => Config = config;

    /// <summary>
    /// This node's part of POST _nodes/reload_secure_settings (TransportNodesReloadSecureSettingsAction.nodeOperation):
    /// the keystore is read again (a wrong password or an unreadable file fails the node), then every reloadable plugin
    /// gets the new settings and a failing one does not stop the others. Remote credentials are reloadable from 8.13, by
    /// the Security plugin with the caller's privileges: <paramref name="credentialsDenied"/> (the authorization failure,
    /// when the caller may not reload them) leaves the node's credentials as they were and becomes its reload_exception.
    /// Connections are rebuilt only for aliases whose credential was added or removed (RemoteClusterService
    /// .updateRemoteClusterCredentials); a changed one is used by the next request on the existing connection. The node
    /// answers only once the rebuilt connections' first attempts have ended, connected or failed: the Security plugin
    /// blocks on the future of TransportReloadRemoteClusterCredentialsAction, whose listener RemoteClusterService calls when
    /// every rebuild's ensureConnected listener was called (elastic/elasticsearch#103460, the change that added the rebuild).
    /// </summary>
    public async Task<JsonObject> ReloadSecureSettingsAsync(string password, EsException? credentialsDenied)
    {
        var entry = new JsonObject { ["name"] = Name };
        try
        {
            var read = _secureSettings.Read(password);
            if (read.KeystoreMissing)
            {
                // A node bootstraps a keystore at start when it has none, but a reload only reads: with the file gone,
                // nodeOperation answers "Keystore is missing" for that node.
                throw new EsException(500, "illegal_state_exception", "Keystore is missing");
            }

            var loaded = read.Settings;
            EsException? failure = null;
            var rebuilt = new List<string>();
            if (!Cluster.State.Version.ReloadsRemoteCredentials)
            {
                SecureSettings = loaded;
            }
            else if (credentialsDenied is not null)
            {
                SecureSettings = loaded;
                failure = credentialsDenied;
            }
            else
            {
                var before = RemoteCredentials;
                ApplySecureSettings(loaded);
                rebuilt = [.. before.Keys.Except(RemoteCredentials.Keys).Concat(RemoteCredentials.Keys.Except(before.Keys)).Order(StringComparer.Ordinal)];
                if (rebuilt.Count > 0)
                {
                    await Background(ct => Connections.RefreshAsync(rebuilt, ct));
                }
            }

            if (failure is not null)
            {
                entry["reload_exception"] = failure.ToCauseJson();
                Log($"failed to reload secure settings: {failure.Reason}");
            }
            else
            {
                Log("reloaded secure settings" + (rebuilt.Count > 0 ? $"; remote credentials added or removed for [{string.Join(", ", rebuilt)}]" : string.Empty));
            }

            if (Cluster.State.Version.ReportsKeystoreDetailsOnReload && read.Details is { } details)
            {
                entry["secure_setting_names"] = new JsonArray([.. details.SettingNames.Select(n => (JsonNode)n)]);
                entry["keystore_path"] = details.Path;
                entry["keystore_digest"] = details.Sha256Hex;
                entry["keystore_last_modified_time"] = details.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (EsException e)
        {
            entry["reload_exception"] = e.ToCauseJson();
            Log($"failed to reload secure settings: {e.Reason}");
        }

        return entry;
    }

    private void ApplySecureSettings(IReadOnlyDictionary<string, string> entries)
    {
        const string prefix = "cluster.remote.";
        const string suffix = ".credentials";
        SecureSettings = entries;
        RemoteCredentials = entries
            .Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && e.Key.EndsWith(suffix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key[prefix.Length..^suffix.Length], e => e.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Runs work tied to this incarnation of the node (cancelled when it stops). The work starts on the caller's thread,
    /// so what it does before its first wait (registering a remote) is visible when the caller returns, as in Elasticsearch.
    /// The returned task ends when the work ended (failures are logged, never thrown), for callers that wait on it.
    /// </summary>
    public Task Background(Func<CancellationToken, Task> work)
    {
        var task = RunAsync(work, _lifetime.Token);
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }

        return task;
    }

    private async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken token)
    {
        try
        {
            await work(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log($"background task failed: {e}");
        }
    }

    /// <summary>Waits until background work started so far (connection attempts) has finished.</summary>
    public async Task WhenIdleAsync()
    {
        Task[] pending;
        lock (_background)
        {
            pending = [.. _background];
        }

        await Task.WhenAll(pending);
    }

    public async ValueTask DisposeAsync()
    {
        if (Running)
        {
            await StopAsync();
        }

        _lifetime.Dispose();
    }
}
