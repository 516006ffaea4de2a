using System.Security;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.LocalNodes;

internal sealed class TrustBatch : ITrustBatch
{
    private const string ClientSsl = "xpack.security.remote_cluster_client.ssl";

    private readonly LockedNodes _locked;
    private readonly List<NodeTrustPlan> _nodes;

    private TrustBatch(LockedNodes locked, List<NodeTrustPlan> nodes)
    {
        _locked = locked;
        _nodes = nodes;
    }

    public IReadOnlyList<RemoteClusterTrustResult> Plan => _nodes.Select(n => n.ToResult([])).ToList();

    public IReadOnlyList<string> Recovered => _locked.Recovered;

    /// <summary>
    /// Locks every node, then reads and edits (in memory) every node's files; any unreadable or invalid file stops the
    /// whole plan (and releases the locks). The locks are held until Dispose.
    /// </summary>
    /// <param name="keystorePassword">Opens a password-protected keystore that holds a truststore's password.</param>
    /// <param name="removeFromStores">For a node that trusts through a PKCS#12 store: trusted entries (SHA-1 thumbprints) to remove besides adding <paramref name="caPem"/>; a PEM CA file is simply replaced by <paramref name="caPem"/>.</param>
    public static TrustBatch Create(
        IReadOnlyList<NodeDirectory> directories, string caPem, TrustScope scope, SecureString? keystorePassword = null, TimeSpan? lockTimeout = null,
        IReadOnlyCollection<string>? removeFromStores = null)
    {
        var locked = LockedNodes.Open(directories, lockTimeout);
        try
        {
            // Each node's plan reads only that node's files: all nodes are read at once.
            return new TrustBatch(locked, NodeParallel.RunAll(locked.Nodes, node => node.Files, node => PlanNode(node, caPem, scope, keystorePassword, removeFromStores)).ToList());
        }
        catch
        {
            locked.Dispose();
            throw;
        }
    }

    /// <summary>One node's plan; reads only that node's files.</summary>
    private static NodeTrustPlan PlanNode(LockedNode node, string caPem, TrustScope scope, SecureString? keystorePassword, IReadOnlyCollection<string>? removeFromStores)
    {
        var caFileName = scope == TrustScope.RemoteClusterClient ? RemoteClusterNames.RemoteClusterCaFile : RemoteClusterNames.TransportCaFile;
        var configPath = node.ConfigPath;
        var ymlPath = node.Files.Combine(configPath, NodeConfigService.ElasticsearchYml);
        var (text, encoding) = YmlFileText.Decode(node.Files.ReadAllBytes(ymlPath));
        var editor = new ElasticsearchYmlEditor(text, ymlPath);
        var prefix = scope == TrustScope.RemoteClusterClient ? ClientSsl : RemoteClusterNames.TransportSsl;

        var changed = new List<string>();
        if (scope == TrustScope.RemoteClusterClient)
        {
            SetChecked(editor, ymlPath, RemoteClusterNames.ClientSslEnabled, "true", changed);
        }

        if (TransportTruststore.StoreFor(node.Files, editor.Settings, prefix, node.RealConfigPath) is { } store)
        {
            // Elasticsearch refuses certificate_authorities beside a truststore, and beside a keystore alone it would
            // replace the keystore's trust: the CA goes into the store, which Elasticsearch re-reads when it changes.
            var alias = scope == TrustScope.RemoteClusterClient ? "remote-cluster-ca" : RemoteClusterNames.TransportCaAlias;
            var (content, change) = TransportTruststore.PlanAdd(node.Files, node.RealConfigPath, store.Path, store.PasswordSetting, editor.Settings, caPem, keystorePassword, alias, removeFromStores);
            return new NodeTrustPlan(node, ymlPath, Encode(editor, encoding), changed, store.Path, content, change);
        }

        var authorities = prefix + ".certificate_authorities";
        if (AddToList(editor, ymlPath, authorities, caFileName))
        {
            changed.Add(authorities);
        }

        var caPath = node.Files.Combine(configPath, caFileName);
        var caBefore = node.Files.GetInfo(caPath) is null ? null : Encoding.ASCII.GetString(node.Files.ReadAllBytes(caPath));
        var caChange = caBefore is null ? FileChange.Created
            : SameCertificates(caBefore, caPem) ? FileChange.Unchanged : FileChange.Updated;
        return new NodeTrustPlan(node, ymlPath, Encode(editor, encoding), changed, caPath, Encoding.ASCII.GetBytes(caPem), caChange);
    }

    public IReadOnlyList<RemoteClusterTrustResult> Save(string operation)
    {
        var plan = _nodes.Select(node =>
        {
            var writes = new List<NodeFileWrite>();
            if (node.CaChange != FileChange.Unchanged)
            {
                writes.Add(new NodeFileWrite(node.CaPath, node.CaContent));
            }

            if (node.ChangedSettings.Count > 0)
            {
                writes.Add(new NodeFileWrite(node.YmlPath, node.NewYml));
            }

            return (node.Node, (IReadOnlyList<NodeFileWrite>)writes);
        }).ToList();

        var written = NodeWriteBatch.Commit(plan, operation);
        return _nodes.Select(node => node.ToResult(
            written.TryGetValue(node.Node, out var files) ? files.Where(f => f.BackupPath is not null).Select(f => f.BackupPath!).ToList() : []))
            .ToList();
    }

    public void Dispose() => _locked.Dispose();

    private static byte[] Encode(ElasticsearchYmlEditor editor, YmlFileEncoding encoding) => YmlFileText.Encode(editor.Text, encoding);

    private static void SetChecked(ElasticsearchYmlEditor editor, string ymlPath, string key, string value, List<string> changed)
    {
        if (editor.Settings.TryGetValue(key, out var current) && !current.Equals(YmlSettingValue.FromScalar(value)))
        {
            RefuseEnvironmentValue(ymlPath, key, current);
        }

        if (editor.Set(key, value))
        {
            changed.Add(key);
        }
    }

    /// <summary>Adds the CA file to a list setting, keeping the CAs already trusted; false when it is there.</summary>
    private static bool AddToList(ElasticsearchYmlEditor editor, string ymlPath, string key, string caFileName)
    {
        List<string> current = [];
        if (editor.Settings.TryGetValue(key, out var value))
        {
            RefuseEnvironmentValue(ymlPath, key, value);
            current = value.Items.ToList();
        }

        if (current.Any(item => Path.GetFileName(item) == caFileName))
        {
            return false;
        }

        current.Add(caFileName);
        return editor.Set(key, current);
    }

    /// <summary>A <c>${VAR}</c> value is replaced by Elasticsearch at start-up: what it holds cannot be known here, so it is not overwritten.</summary>
    private static void RefuseEnvironmentValue(string ymlPath, string key, YmlSettingValue value)
    {
        if (value.Items.Any(item => item.Contains("${", StringComparison.Ordinal)))
        {
            throw new EckRemoteClusterException(
                ErrorIds.NodeSettingFromEnvironment,
                EckErrorCategory.InvalidData,
                $"{ymlPath}: {key} is {value}, which Elasticsearch takes from the environment at start-up; this module will not replace it. Nothing was changed.",
                $"Set the variable to include the CA file (or trust it there), or write {key} in elasticsearch.yml without ${{...}}, then run Add-RemoteClusterTrust again.",
                ymlPath);
        }
    }

    private static bool SameCertificates(string before, string after) =>
        string.Equals(Normalize(before), Normalize(after), StringComparison.Ordinal);

    private static string Normalize(string pem) => pem.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private sealed record NodeTrustPlan(
        LockedNode Node,
        string YmlPath,
        byte[] NewYml,
        List<string> ChangedSettings,
        string CaPath,
        byte[] CaContent,
        FileChange CaChange)
    {
        public RemoteClusterTrustResult ToResult(IReadOnlyList<string> backups) =>
            new(Node.ConfigPath, CaPath, CaChange, ChangedSettings, backups) { Node = Node.Directory };
    }
}
