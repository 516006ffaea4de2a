using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// Finds the CA a self-managed node's transport certificate chains to: what a remote must trust for the certificate
/// model. The node is either PEM-configured (certificate + certificate_authorities) or uses PKCS#12 stores
/// (keystore.path / truststore.path, passwords in its elasticsearch.keystore).
/// </summary>
internal static class NodeTransportCa
{
    /// <summary>Reads through the node's <see cref="INodeFiles"/> (local, or a PowerShell session).</summary>
    public static (X509Certificate2[] Certificates, string Source) Read(INodeFiles files, string configPath, SecureString? keystorePassword)
    {
        var ymlPath = files.Combine(configPath, NodeConfigService.ElasticsearchYml);
        if (files.GetInfo(ymlPath) is null)
        {
            throw NodeConfigErrors.NotAConfigDirectory(configPath);
        }

        var settings = new ElasticsearchYmlEditor(YmlFileText.Decode(files.ReadAllBytes(ymlPath)).Text, ymlPath).Settings;
        X509Certificate2? leaf = null;
        var anchors = new X509Certificate2Collection();
        string source;
        if (TransportTruststore.PathOf(files, settings, configPath) is { } truststorePath)
        {
            var password = TransportTruststore.Password(files, configPath, settings, RemoteClusterNames.TransportTruststorePassword, keystorePassword);
            anchors.AddRange(TransportTruststore.Read(files, truststorePath, password).Where(c => !c.HasPrivateKey).ToArray());
            source = truststorePath;
            if (TransportTruststore.Resolve(files, settings, RemoteClusterNames.TransportKeystorePath, configPath) is { } keystorePath)
            {
                var keyPassword = TransportTruststore.Password(files, configPath, settings, RemoteClusterNames.TransportKeystorePassword, keystorePassword);
                leaf = TransportTruststore.Read(files, keystorePath, keyPassword).FirstOrDefault(c => c.HasPrivateKey);
            }
        }
        else if (settings.TryGetValue(RemoteClusterNames.TransportCertificateAuthorities, out var caFiles) && caFiles.Items.Count > 0)
        {
            var paths = caFiles.Items.Select(f => TransportTruststore.ResolvePath(files, configPath, f)).ToList();
            foreach (var path in paths)
            {
                anchors.AddRange(ReadPem(files, path));
            }

            source = string.Join(", ", paths);
            if (TransportTruststore.Resolve(files, settings, RemoteClusterNames.TransportCertificate, configPath) is { } certificatePath)
            {
                leaf = ReadPem(files, certificatePath).FirstOrDefault();
            }
        }
        else
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportCaNotConfigured,
                EckErrorCategory.ObjectNotFound,
                $"{ymlPath} sets neither xpack.security.transport.ssl.certificate_authorities nor xpack.security.transport.ssl.truststore.path, so the node names no transport CA.",
                "Give the CA that signed the nodes' transport certificates as a PEM file instead (the one elasticsearch-certutil ca created).",
                configPath);
        }

        return (Issuers(leaf, anchors), source);
    }

    /// <summary>
    /// The trusted CAs that issued the node's own certificate; every trusted CA when the certificate cannot be read
    /// or does not chain to one (then the remote trusts at least as much as this node does).
    /// </summary>
    private static X509Certificate2[] Issuers(X509Certificate2? leaf, X509Certificate2Collection anchors)
    {
        if (leaf is null)
        {
            return anchors.ToArray();
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        if (!chain.Build(leaf))
        {
            return anchors.ToArray();
        }

        var root = chain.ChainElements[^1].Certificate;
        return anchors.Where(a => a.Thumbprint == root.Thumbprint).Take(1).ToArray() is { Length: 1 } found ? found : anchors.ToArray();
    }

    private static X509Certificate2[] ReadPem(INodeFiles files, string path)
    {
        if (files.GetInfo(path) is null)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CertificateFileNotFound,
                EckErrorCategory.ObjectNotFound,
                $"The certificate file '{path}' named in elasticsearch.yml does not exist.",
                "Check the xpack.security.transport.ssl settings of the node (relative paths are resolved against the config directory).",
                path);
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(System.Text.Encoding.ASCII.GetString(files.ReadAllBytes(path)));
        }
        catch (CryptographicException ex)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidCertificate,
                EckErrorCategory.InvalidData,
                $"'{path}' is not a PEM certificate file: {ex.Message}",
                "Check the xpack.security.transport.ssl settings of the node: they must name PEM certificate files.",
                path,
                ex);
        }

        return collection.ToArray();
    }
}
