using System.Security;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.LocalNodes;

internal sealed class TrustBatch : ITrustBatch
{
    private readonly List<NodeTrustPlan> _nodes;

    private TrustBatch(List<NodeTrustPlan> nodes) => _nodes = nodes;

    public IReadOnlyList<RemoteClusterTrustResult> Plan => _nodes.Select(n => n.ToResult([])).ToList();

    /// <summary>Reads and edits (in memory) every node's files; any unreadable or invalid file stops the whole plan.</summary>
    /// <param name="keystorePassword">Opens a password-protected keystore that holds a truststore's password.</param>
    public static TrustBatch Create(IReadOnlyList<string> configPaths, string caPem, TrustScope scope, SecureString? keystorePassword = null)
    {
        var caFileName = scope == TrustScope.RemoteClusterClient ? RemoteClusterNames.RemoteClusterCaFile : RemoteClusterNames.TransportCaFile;
        var nodes = new List<NodeTrustPlan>();
        foreach (var configPath in configPaths)
        {
            var ymlPath = Path.Combine(configPath, NodeConfigService.ElasticsearchYml);
            if (!File.Exists(ymlPath))
            {
                throw NodeConfigErrors.NotAConfigDirectory(configPath);
            }

            var editor = new ElasticsearchYmlEditor(File.ReadAllText(ymlPath), ymlPath);
            if (scope == TrustScope.Transport && TransportTruststore.PathOf(editor.Settings, configPath) is { } truststorePath)
            {
                // Elasticsearch refuses certificate_authorities beside a truststore: the CA goes into the truststore,
                // which Elasticsearch re-reads when it changes, so no setting changes and no restart is needed.
                var (content, change) = TransportTruststore.PlanAdd(configPath, truststorePath, editor.Settings, caPem, keystorePassword);
                nodes.Add(new NodeTrustPlan(configPath, ymlPath, editor.Text, [], truststorePath, content, change));
                continue;
            }

            var changed = scope == TrustScope.RemoteClusterClient
                ? TrustForRemoteClusterClient(editor, caFileName)
                : AddToList(editor, RemoteClusterNames.TransportCertificateAuthorities, caFileName) ? [RemoteClusterNames.TransportCertificateAuthorities] : [];

            var caPath = Path.Combine(configPath, caFileName);
            var caBefore = File.Exists(caPath) ? File.ReadAllText(caPath) : null;
            var caChange = caBefore is null ? FileChange.Created
                : SameCertificates(caBefore, caPem) ? FileChange.Unchanged : FileChange.Updated;
            nodes.Add(new NodeTrustPlan(configPath, ymlPath, editor.Text, changed, caPath, Encoding.ASCII.GetBytes(caPem), caChange));
        }

        return new TrustBatch(nodes);
    }

    public IReadOnlyList<RemoteClusterTrustResult> Save()
    {
        var written = new List<(string Path, string? Backup)>();
        var results = new List<RemoteClusterTrustResult>();
        try
        {
            foreach (var node in _nodes)
            {
                var backups = new List<string>();
                if (node.CaChange != FileChange.Unchanged)
                {
                    var backup = AtomicFile.Write(node.CaPath, node.CaContent);
                    written.Add((node.CaPath, backup));
                    if (backup is not null)
                    {
                        backups.Add(backup);
                    }
                }

                if (node.ChangedSettings.Count > 0)
                {
                    var backup = AtomicFile.Write(node.YmlPath, Encoding.UTF8.GetBytes(node.NewYml));
                    written.Add((node.YmlPath, backup));
                    backups.Add(backup!);
                }

                results.Add(node.ToResult(backups));
            }
        }
        catch
        {
            foreach (var (path, backup) in Enumerable.Reverse(written))
            {
                AtomicFile.Restore(path, backup);
            }

            throw;
        }

        return results;
    }

    private static List<string> TrustForRemoteClusterClient(ElasticsearchYmlEditor editor, string caFileName)
    {
        var changed = new List<string>();
        if (editor.Set(RemoteClusterNames.ClientSslEnabled, "true"))
        {
            changed.Add(RemoteClusterNames.ClientSslEnabled);
        }

        if (AddToList(editor, RemoteClusterNames.ClientCertificateAuthorities, caFileName))
        {
            changed.Add(RemoteClusterNames.ClientCertificateAuthorities);
        }

        return changed;
    }

    /// <summary>Adds the CA file to a list setting, keeping the CAs already trusted; false when it is there.</summary>
    private static bool AddToList(ElasticsearchYmlEditor editor, string key, string caFileName)
    {
        var current = editor.Settings.TryGetValue(key, out var value) ? value.Items.ToList() : [];
        if (current.Any(item => Path.GetFileName(item) == caFileName))
        {
            return false;
        }

        current.Add(caFileName);
        return editor.Set(key, current);
    }

    private static bool SameCertificates(string before, string after) =>
        string.Equals(Normalize(before), Normalize(after), StringComparison.Ordinal);

    private static string Normalize(string pem) => pem.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private sealed record NodeTrustPlan(
        string ConfigPath,
        string YmlPath,
        string NewYml,
        List<string> ChangedSettings,
        string CaPath,
        byte[] CaContent,
        FileChange CaChange)
    {
        public RemoteClusterTrustResult ToResult(IReadOnlyList<string> backups) =>
            new(ConfigPath, CaPath, CaChange, ChangedSettings, backups);
    }
}
