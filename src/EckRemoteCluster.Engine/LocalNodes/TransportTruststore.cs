using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// A node's PKCS#12 transport stores (security auto-configuration's transport.p12, used as keystore and truststore):
/// where they are, their passwords from the node's elasticsearch.keystore, and adding a trusted CA.
/// </summary>
internal static class TransportTruststore
{
    public static string? PathOf(IReadOnlyDictionary<string, YmlSettingValue> settings, string configPath) =>
        Resolve(settings, RemoteClusterNames.TransportTruststorePath, configPath);

    public static string? Resolve(IReadOnlyDictionary<string, YmlSettingValue> settings, string key, string configPath) =>
        settings.TryGetValue(key, out var value) && value.Scalar is { Length: > 0 } path ? Path.GetFullPath(Path.Combine(configPath, path)) : null;

    /// <summary>The store's password: the keystore's secure_password entry, else the legacy yml setting, else empty (as Elasticsearch reads it).</summary>
    public static string Password(string configPath, IReadOnlyDictionary<string, YmlSettingValue> settings, string secureSetting, SecureString? keystorePassword)
    {
        var keystorePath = Path.Combine(configPath, ElasticsearchKeystore.FileName);
        if (File.Exists(keystorePath))
        {
            using var keystore = SecureStrings.Use(keystorePassword, chars => ElasticsearchKeystore.Load(keystorePath, chars));
            if (keystore.Entries.TryGetValue(secureSetting, out var value))
            {
                return Encoding.UTF8.GetString(value.Span);
            }
        }

        var legacy = secureSetting.Replace(".secure_password", ".password", StringComparison.Ordinal);
        return settings.TryGetValue(legacy, out var plain) ? plain.Scalar ?? string.Empty : string.Empty;
    }

    public static X509Certificate2Collection Read(string path, string password)
    {
        if (!File.Exists(path))
        {
            throw new EckRemoteClusterException(
                "TransportTruststoreNotFound",
                EckErrorCategory.ObjectNotFound,
                $"The transport truststore '{path}' named in elasticsearch.yml does not exist.",
                "Check xpack.security.transport.ssl.truststore.path in the node's elasticsearch.yml (relative paths are resolved against the config directory).",
                path);
        }

        try
        {
            return Pkcs12Truststore.ReadCertificates(File.ReadAllBytes(path), password);
        }
        catch (CryptographicException ex)
        {
            throw new EckRemoteClusterException(
                "TransportTruststoreUnreadable",
                EckErrorCategory.InvalidData,
                $"The transport store '{path}' could not be opened with the password from the node's keystore: {ex.Message}",
                "Check that the node's elasticsearch.keystore holds the store's password as xpack.security.transport.ssl.truststore.secure_password "
                + "(bin/elasticsearch-keystore show), and that the file is a PKCS#12 store.",
                path,
                ex);
        }
    }

    /// <summary>The truststore's new content with the CAs it lacks added, and whether that changes it.</summary>
    public static (byte[] Content, FileChange Change) PlanAdd(
        string configPath, string truststorePath, IReadOnlyDictionary<string, YmlSettingValue> settings, string caPem, SecureString? keystorePassword)
    {
        var password = Password(configPath, settings, RemoteClusterNames.TransportTruststorePassword, keystorePassword);
        var present = Read(truststorePath, password).Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wanted = new X509Certificate2Collection();
        wanted.ImportFromPem(caPem);
        var missing = wanted.Where(c => !present.Contains(c.Thumbprint)).ToList();
        var content = File.ReadAllBytes(truststorePath);
        if (missing.Count == 0)
        {
            return (content, FileChange.Unchanged);
        }

        return (Pkcs12Truststore.AddTrustedCertificates(content, password, missing, RemoteClusterNames.TransportCaAlias), FileChange.Updated);
    }
}
