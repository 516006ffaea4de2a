using System.Security;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Engine;

internal sealed class NodeConfigService : INodeConfigService
{
    internal const string ElasticsearchYml = "elasticsearch.yml";
    internal const string KeystoreFile = ElasticsearchKeystore.FileName;

    public ElasticsearchNodeConfig Read(string configPath)
    {
        var ymlPath = Path.Combine(configPath, ElasticsearchYml);
        if (!File.Exists(ymlPath))
        {
            throw NodeConfigErrors.NotAConfigDirectory(configPath);
        }

        var settings = FlattenedSettings(ymlPath);
        return new ElasticsearchNodeConfig(
            configPath,
            First(settings, "cluster.name"),
            First(settings, "node.name"),
            settings,
            File.Exists(Path.Combine(configPath, KeystoreFile)));
    }

    private static string? First(IReadOnlyDictionary<string, string[]> settings, string key) =>
        settings.TryGetValue(key, out var value) ? value.FirstOrDefault() : null;

    private static IReadOnlyDictionary<string, string[]> FlattenedSettings(string ymlPath) =>
        ElasticsearchYmlReader.ReadAsArrays(File.ReadAllText(ymlPath), ymlPath);

    public IReadOnlyList<ElasticsearchKeystoreEntry> ReadKeystore(string keystorePath, SecureString? password)
    {
        using var keystore = SecureStrings.Use(password, chars => ElasticsearchKeystore.Load(keystorePath, chars));
        return keystore.Entries
            .Select(entry => new ElasticsearchKeystoreEntry(
                keystorePath,
                entry.Key,
                SecureStrings.FromUtf8(entry.Value.Span),
                keystore.Version,
                keystore.HasPassword))
            .ToList();
    }

    public INodeFiles LocalFiles => LocalNodeFiles.Instance;

    public IKeystoreBatch OpenKeystores(IReadOnlyList<NodeDirectory> nodes, SecureString? password) =>
        KeystoreBatch.Open(nodes, password);

    public ITrustBatch PlanTrust(IReadOnlyList<NodeDirectory> nodes, string caPem, TrustScope scope, SecureString? keystorePassword = null) =>
        TrustBatch.Create(nodes, caPem, scope, keystorePassword);

    public ElasticsearchTransportCa ReadTransportCa(string configPath, SecureString? keystorePassword)
    {
        var node = Read(configPath);
        var (certificates, source) = NodeTransportCa.Read(configPath, keystorePassword);
        var pem = string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));
        return new ElasticsearchTransportCa(configPath, node.ClusterName, node.NodeName, source, certificates, pem);
    }
}
