using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>The PEM CA files one TLS context of a node lists, read through the node's <see cref="INodeFiles"/>.</summary>
internal sealed record NodeTrustedCaFiles(
    string VerificationMode,
    IReadOnlyList<(string Path, X509Certificate2[] Certificates)> Files,
    bool UsesTruststore);

/// <summary>
/// Reads which CAs a node trusts for a TLS context (xpack.security.remote_cluster_client.ssl for the API-key model,
/// xpack.security.transport.ssl for the certificate model): the files its certificate_authorities setting lists,
/// relative paths resolved against the config directory, as Elasticsearch resolves them. Locally or through a session.
/// </summary>
internal static class NodeTrustedCas
{
    public const string ClientContext = "xpack.security.remote_cluster_client.ssl";

    public static NodeTrustedCaFiles Read(NodeDirectory node, string context, string defaultMode)
    {
        var files = node.Files;
        var ymlPath = files.Combine(node.ConfigPath, NodeConfigService.ElasticsearchYml);
        if (files.GetInfo(ymlPath) is null)
        {
            throw NodeConfigErrors.NotAConfigDirectory(node.ConfigPath);
        }

        var settings = ElasticsearchYmlReader.Read(YmlFileText.Decode(files.ReadAllBytes(ymlPath)).Text, ymlPath);
        var mode = settings.GetValueOrDefault(context + ".verification_mode")?.Scalar ?? defaultMode;
        var usesTruststore = settings.ContainsKey(context + ".truststore.path");
        if (settings.GetValueOrDefault(context + ".certificate_authorities") is not { } listed)
        {
            return new NodeTrustedCaFiles(mode, [], usesTruststore);
        }

        var read = new List<(string, X509Certificate2[])>();
        foreach (var file in listed.Items)
        {
            var path = IsRooted(file) ? file : files.Combine(node.ConfigPath, file);
            if (files.GetInfo(path) is null)
            {
                read.Add((path, []));
                continue;
            }

            var certificates = new X509Certificate2Collection();
            try
            {
                certificates.ImportFromPem(System.Text.Encoding.ASCII.GetString(files.ReadAllBytes(path)));
            }
            catch (CryptographicException)
            {
                // A file Elasticsearch cannot read either: it trusts nothing from it, and neither does this reading.
            }

            read.Add((path, certificates.ToArray()));
        }

        return new NodeTrustedCaFiles(mode, read, usesTruststore);
    }

    /// <summary>
    /// The trusted entries (certificates without a key) of the PKCS#12 store the context reads (truststore.path, or a
    /// keystore.path that is also its trust), opened with the password from the node's elasticsearch.keystore; null when
    /// the context reads no store, or the store cannot be opened (then what it trusts is unknown here).
    /// </summary>
    public static (string Path, X509Certificate2[] Certificates)? ReadStore(NodeDirectory node, string context, System.Security.SecureString? keystorePassword)
    {
        var files = node.Files;
        var ymlPath = files.Combine(node.ConfigPath, NodeConfigService.ElasticsearchYml);
        try
        {
            var settings = ElasticsearchYmlReader.Read(YmlFileText.Decode(files.ReadAllBytes(ymlPath)).Text, ymlPath);
            if (TransportTruststore.StoreFor(files, settings, context, node.ConfigPath) is not { } store)
            {
                return null;
            }

            var password = TransportTruststore.Password(files, node.ConfigPath, settings, store.PasswordSetting, keystorePassword);
            return (store.Path, TransportTruststore.Read(files, store.Path, password).Where(c => !c.HasPrivateKey).ToArray());
        }
        catch (EckRemoteClusterException)
        {
            return null;
        }
    }

    /// <summary>Absolute on the node's own rules: /etc/..., C:\..., \\share\....</summary>
    private static bool IsRooted(string path) =>
        path.StartsWith('/') || path.StartsWith('\\') || (path.Length > 2 && path[1] == ':' && (path[2] == '\\' || path[2] == '/'));
}
