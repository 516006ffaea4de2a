using System.Text;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.LocalNodes;

internal sealed class TrustBatch : ITrustBatch
{
    private readonly List<NodeTrustPlan> _nodes;

    private TrustBatch(List<NodeTrustPlan> nodes) => _nodes = nodes;

    public IReadOnlyList<RemoteClusterTrustResult> Plan => _nodes.Select(n => n.ToResult([])).ToList();

    /// <summary>Reads and edits (in memory) every node's files; any unreadable or invalid file stops the whole plan.</summary>
    public static TrustBatch Create(IReadOnlyList<string> configPaths, string caPem, TrustScope scope)
    {
        var caFileName = scope == TrustScope.RemoteClusterClient ? RemoteClusterNames.RemoteClusterCaFile : "remote-transport-ca.crt";
        var nodes = new List<NodeTrustPlan>();
        foreach (var configPath in configPaths)
        {
            var ymlPath = Path.Combine(configPath, NodeConfigService.ElasticsearchYml);
            if (!File.Exists(ymlPath))
            {
                throw NodeConfigErrors.NotAConfigDirectory(configPath);
            }

            var editor = new ElasticsearchYmlEditor(File.ReadAllText(ymlPath), ymlPath);
            var changed = scope == TrustScope.RemoteClusterClient
                ? TrustForRemoteClusterClient(editor, caFileName)
                : TrustForTransport(editor, caFileName, ymlPath);

            var caPath = Path.Combine(configPath, caFileName);
            var caBefore = File.Exists(caPath) ? File.ReadAllText(caPath) : null;
            var caChange = caBefore is null ? FileChange.Created
                : SameCertificates(caBefore, caPem) ? FileChange.Unchanged : FileChange.Updated;
            nodes.Add(new NodeTrustPlan(configPath, ymlPath, editor.Text, changed, caPath, caPem, caChange));
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
                    var backup = AtomicFile.Write(node.CaPath, Encoding.ASCII.GetBytes(node.CaPem));
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

    private static List<string> TrustForTransport(ElasticsearchYmlEditor editor, string caFileName, string ymlPath)
    {
        if (editor.Settings.ContainsKey("xpack.security.transport.ssl.truststore.path"))
        {
            // Elasticsearch refuses certificate_authorities beside a truststore: the CA must go into the truststore.
            throw new EckRemoteClusterException(
                "TransportTruststoreInUse",
                EckErrorCategory.InvalidOperation,
                $"{ymlPath} trusts transport peers through a PKCS#12 truststore (xpack.security.transport.ssl.truststore.path); "
                + "Elasticsearch does not allow certificate_authorities beside it.",
                "Add the remote's transport CA to the node's truststore, or move the node to PEM trust (xpack.security.transport.ssl.certificate_authorities).",
                ymlPath);
        }

        return AddToList(editor, RemoteClusterNames.TransportCertificateAuthorities, caFileName)
            ? [RemoteClusterNames.TransportCertificateAuthorities]
            : [];
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
        string CaPem,
        FileChange CaChange)
    {
        public RemoteClusterTrustResult ToResult(IReadOnlyList<string> backups) =>
            new(ConfigPath, CaPath, CaChange, ChangedSettings, backups);
    }
}
