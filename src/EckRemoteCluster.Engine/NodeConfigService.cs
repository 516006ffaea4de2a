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

    public ElasticsearchNodeConfig Read(string configPath) => Read(new NodeDirectory(LocalNodeFiles.Instance, configPath));

    public ElasticsearchNodeConfig Read(NodeDirectory node)
    {
        var files = node.Files;
        var ymlPath = files.Combine(node.ConfigPath, ElasticsearchYml);
        if (files.GetInfo(ymlPath) is null)
        {
            throw NodeConfigErrors.NotAConfigDirectory(node.ConfigPath);
        }

        var (text, _) = YmlFileText.Decode(files.ReadAllBytes(ymlPath));
        var settings = ElasticsearchYmlReader.ReadAsArrays(text, ymlPath);
        return new ElasticsearchNodeConfig(
            node.ConfigPath,
            First(settings, "cluster.name"),
            First(settings, "node.name"),
            settings,
            files.GetInfo(files.Combine(node.ConfigPath, KeystoreFile)) is not null)
        {
            Node = node,
        };
    }

    private static string? First(IReadOnlyDictionary<string, string[]> settings, string key) =>
        settings.TryGetValue(key, out var value) ? value.FirstOrDefault() : null;

    public IReadOnlyList<ElasticsearchKeystoreEntry> ReadKeystore(string keystorePath, SecureString? password) =>
        ReadKeystore(LocalNodeFiles.Instance, keystorePath, password);

    public IReadOnlyList<ElasticsearchKeystoreEntry> ReadKeystore(INodeFiles files, string keystorePath, SecureString? password)
    {
        byte[] bytes;
        try
        {
            if (files.GetInfo(keystorePath) is null)
            {
                throw KeystoreErrors.NotFound(keystorePath, new FileNotFoundException(null, keystorePath));
            }

            bytes = files.ReadAllBytes(keystorePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KeystoreErrors.ReadFailed(keystorePath, e);
        }

        try
        {
            using var keystore = SecureStrings.Use(password, chars => ElasticsearchKeystore.Parse(bytes, chars, keystorePath));
            return keystore.Entries
                .Select(entry => new ElasticsearchKeystoreEntry(
                    keystorePath,
                    entry.Key,
                    SecureStrings.FromUtf8(entry.Value.Span),
                    keystore.Version,
                    keystore.HasPassword))
                .ToList();
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public INodeFiles LocalFiles => LocalNodeFiles.Instance;

    public IKeystoreBatch OpenKeystores(IReadOnlyList<NodeDirectory> nodes, SecureString? password) =>
        KeystoreBatch.Open(nodes, password);

    public ITrustBatch PlanTrust(IReadOnlyList<NodeDirectory> nodes, string caPem, TrustScope scope, SecureString? keystorePassword = null, IReadOnlyCollection<string>? removeFromStores = null) =>
        TrustBatch.Create(nodes, caPem, scope, keystorePassword, removeFromStores: removeFromStores);

    public ElasticsearchTransportCa ReadTransportCa(NodeDirectory node, SecureString? keystorePassword)
    {
        var config = Read(node);
        var (certificates, source) = NodeTransportCa.Read(node.Files, node.ConfigPath, keystorePassword);
        var pem = string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));
        return new ElasticsearchTransportCa(node.ConfigPath, config.ClusterName, config.NodeName, source, certificates, pem);
    }

    public void ReplaceFile(string path, byte[] content) => WholeFileWrite.Write(LocalNodeFiles.Instance, path, content, newFileMode: null, backupSuffix: null);
}
