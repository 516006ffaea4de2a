using System.Text.Json.Nodes;
using Sandbox.Control;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// The self-managed cluster: N nodes, each started from its own config dir, sharing one cluster state. A restart
/// (control API) re-reads elasticsearch.yml and the keystore, which is how static settings take effect.
/// </summary>
public sealed class LocalCluster(LocalClusterOptions options, NodeHttpServer.PipelineHook? pipeline = null) : ISandboxDescription, IAsyncDisposable
{
    private readonly List<LocalNodeInstaller.InstalledNode> _installed = [];
    private readonly Dictionary<string, string> _hostBins = new(StringComparer.Ordinal);

    public EsCluster Cluster { get; private set; } = null!;

    public string ElasticPassword { get; } = RandomIds.Random(20);

    public string HttpCaPath => Path.Combine(_installed[0].ConfigDir, "certs", "http_ca.crt");

    public IReadOnlyList<LocalNodeInstaller.InstalledNode> InstalledNodes => _installed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var version = EsVersion.Parse(options.Version);
        Cluster = new EsCluster("local", new ClusterState(options.ClusterName, version, ElasticPassword));
        using (var installer = new LocalNodeInstaller(options, ElasticPassword))
        {
            var firstTransport = LocalNodeInstaller.FreePort();
            for (var ordinal = 1; ordinal <= options.NodeCount; ordinal++)
            {
                _installed.Add(installer.Install(ordinal, firstTransport));
            }
        }

        if (options.NodeUser is { } user && OperatingSystem.IsLinux())
        {
            NodeFileReader.RunAs(user);
            foreach (var installed in _installed)
            {
                InstallAsPackage(installed.ConfigDir, user);
            }
        }

        foreach (var installed in _installed)
        {
            var source = new KeystoreFileSource(installed.ConfigDir, installed.KeystorePassword, Cluster.State.Version.KeystoreFormatVersion);
            var secureSettings = source.Read(source.StartupPassword).Settings;
            var config = LocalNodeConfigLoader.Load(installed.ConfigDir, secureSettings);
            var node = new EsNode(Cluster, config, source, pipeline);
            Cluster.Add(node);
            await node.StartAsync(cancellationToken, secureSettings);
        }
    }

    public EsNode? Find(string name) => Cluster.Find(name);

    /// <summary>What the deb and rpm packages leave in /etc/elasticsearch: root:elasticsearch, setgid directories 2750, files 660.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void InstallAsPackage(string configDir, string user)
    {
        var directoryMode = (UnixFileMode)Convert.ToInt32("2750", 8);
        var fileMode = (UnixFileMode)Convert.ToInt32("660", 8);
        foreach (var entry in Directory.EnumerateFileSystemEntries(configDir, "*", SearchOption.AllDirectories).Prepend(configDir))
        {
            using (var chown = System.Diagnostics.Process.Start("chown", ["-h", $"root:{user}", entry]))
            {
                chown.WaitForExit();
            }

            File.SetUnixFileMode(entry, Directory.Exists(entry) ? directoryMode : fileMode);
        }
    }

    /// <summary>Writes each node's stand-in systemctl (<see cref="SystemdStandIn"/>), which restarts it through <paramref name="controlApi"/>.</summary>
    public void InstallServiceStandIns(Uri controlApi)
    {
        foreach (var installed in _installed)
        {
            _hostBins[installed.Name] = SystemdStandIn.Write(installed.HomeDir, installed.ConfigDir, installed.Name, controlApi);
        }
    }

    public string HttpUri(EsNode node) => $"https://127.0.0.1:{node.Http.Port}";

    /// <summary>Stops the node and starts it from what is on disk now; a broken config leaves it stopped and says why.</summary>
    public async Task RestartNodeAsync(string name, CancellationToken cancellationToken)
    {
        var node = Find(name) ?? throw new EsException(404, "resource_not_found_exception", $"no node [{name}] in the local cluster");
        var installed = _installed.First(i => i.Name == name);
        await node.StopAsync();
        var source = new KeystoreFileSource(installed.ConfigDir, installed.KeystorePassword, Cluster.State.Version.KeystoreFormatVersion);
        NodeConfig config;
        IReadOnlyDictionary<string, string> secureSettings;
        try
        {
            secureSettings = source.Read(source.StartupPassword).Settings;
            config = LocalNodeConfigLoader.Load(installed.ConfigDir, secureSettings);
        }
        catch (EsException e)
        {
            node.Log($"node failed to start: {RemoteDescribe(e)}");
            throw;
        }

        await node.RestartAsync(config, cancellationToken, secureSettings);
    }

    private static string RemoteDescribe(EsException e) => Remote.RemoteConnection.Describe(e);

    /// <summary>sandbox.json "localCluster": credentials, the HTTP CA, and per node its config dir and HTTP URI.</summary>
    public void Describe(JsonObject sandbox)
    {
        sandbox["localCluster"] = new JsonObject
        {
            ["clusterName"] = options.ClusterName,
            ["version"] = options.Version,
            ["username"] = "elastic",
            ["elasticPassword"] = ElasticPassword,
            ["httpCaPath"] = HttpCaPath,
            ["nodes"] = new JsonArray([.. _installed.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["homeDir"] = i.HomeDir,
                ["configDir"] = i.ConfigDir,
                ["httpUri"] = $"https://127.0.0.1:{Find(i.Name)?.Http.Port ?? i.HttpPort}",
                ["keystorePassword"] = i.KeystorePassword.Length == 0 ? null : i.KeystorePassword,
                ["hostPath"] = _hostBins.GetValueOrDefault(i.Name),
                ["serviceName"] = SystemdStandIn.UnitName,
            })]),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is null)
        {
            return;
        }

        foreach (var node in Cluster.Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
