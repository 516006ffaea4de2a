using EckRemoteCluster.Contracts;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// A node's PKCS#12 stores for one SSL context (transport, or remote_cluster_client): where they are, their passwords
/// from the node's elasticsearch.keystore, and adding a trusted CA. Which store a CA must go into follows
/// Elasticsearch's SslConfigurationLoader (libs/ssl-config): certificate_authorities and truststore.path together are
/// rejected ("cannot specify both"); without either, a keystore.path store is also the context's trust (its
/// asTrustConfig), so adding certificate_authorities there would silently drop that trust.
/// </summary>
internal static class TransportTruststore
{
    public static string? PathOf(INodeFiles files, IReadOnlyDictionary<string, YmlSettingValue> settings, string configPath) =>
        Resolve(files, settings, RemoteClusterNames.TransportTruststorePath, configPath);

    /// <summary>A path setting of elasticsearch.yml as the node reads it: relative to its config directory.</summary>
    public static string? Resolve(INodeFiles files, IReadOnlyDictionary<string, YmlSettingValue> settings, string key, string configPath) =>
        settings.TryGetValue(key, out var value) && value.Scalar is { Length: > 0 } path ? ResolvePath(files, configPath, path) : null;

    /// <summary>
    /// <paramref name="path"/> against <paramref name="directory"/> by the node's own path rules: this machine's for
    /// local files, and for a node reached through a session its separator (Combine), with an absolute Unix or Windows
    /// path kept as it is, since this machine's rules may not be the node's.
    /// </summary>
    public static string ResolvePath(INodeFiles files, string directory, string path)
    {
        if (files.Location.Length == 0)
        {
            return Path.GetFullPath(Path.Combine(directory, path));
        }

        bool absolute = path.StartsWith('/') || path.StartsWith('\\') || (path.Length > 2 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/');
        return absolute ? path : files.Combine(directory, path);
    }

    /// <summary>
    /// The store a CA for the context (<paramref name="prefix"/>, e.g. xpack.security.transport.ssl) must be added to,
    /// with the keystore setting that holds its password; null when the context trusts PEM certificate_authorities
    /// (or nothing yet), so the CA goes into that list.
    /// </summary>
    public static (string Path, string PasswordSetting)? StoreFor(INodeFiles files, IReadOnlyDictionary<string, YmlSettingValue> settings, string prefix, string configPath)
    {
        if (Resolve(files, settings, prefix + ".truststore.path", configPath) is { } truststore)
        {
            return (truststore, prefix + ".truststore.secure_password");
        }

        bool hasAuthorities = settings.TryGetValue(prefix + ".certificate_authorities", out var authorities) && authorities.Items.Count > 0;
        if (!hasAuthorities && Resolve(files, settings, prefix + ".keystore.path", configPath) is { } keystore)
        {
            return (keystore, prefix + ".keystore.secure_password");
        }

        return null;
    }

    /// <summary>The store's password: the keystore's secure_password entry, else the legacy yml setting, else empty (as Elasticsearch reads it).</summary>
    public static string Password(INodeFiles files, string configPath, IReadOnlyDictionary<string, YmlSettingValue> settings, string secureSetting, SecureString? keystorePassword)
    {
        var keystorePath = files.Combine(configPath, ElasticsearchKeystore.FileName);
        if (files.GetInfo(keystorePath) is not null)
        {
            var bytes = files.ReadAllBytes(keystorePath);
            try
            {
                using var keystore = SecureStrings.Use(keystorePassword, chars => ElasticsearchKeystore.Parse(bytes, chars, keystorePath));
                if (keystore.Entries.TryGetValue(secureSetting, out var value))
                {
                    return Encoding.UTF8.GetString(value.Span);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }

        var legacy = secureSetting.Replace(".secure_password", ".password", StringComparison.Ordinal);
        return settings.TryGetValue(legacy, out var plain) ? plain.Scalar ?? string.Empty : string.Empty;
    }

    public static X509Certificate2Collection Read(INodeFiles files, string path, string password)
    {
        if (files.GetInfo(path) is null)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportTruststoreNotFound,
                EckErrorCategory.ObjectNotFound,
                $"The store '{path}' named in elasticsearch.yml does not exist.",
                "Check the truststore.path / keystore.path settings in the node's elasticsearch.yml (relative paths are resolved against the config directory).",
                path);
        }

        try
        {
            return Pkcs12Truststore.ReadCertificates(files.ReadAllBytes(path), password);
        }
        catch (CryptographicException ex)
        {
            throw new EckRemoteClusterException(
                ErrorIds.TransportTruststoreUnreadable,
                EckErrorCategory.InvalidData,
                $"The store '{path}' could not be opened with the password from the node's keystore: {ex.Message}",
                "Check that the node's elasticsearch.keystore holds the store's password as the matching ...secure_password setting "
                + "(bin/elasticsearch-keystore show), and that the file is a PKCS#12 store (a JKS store cannot be changed by this module: "
                + "add the CA with keytool -importcert, or convert the store to PKCS#12).",
                path,
                ex);
        }
    }

    /// <summary>
    /// The truststore's new content with the CAs it lacks added and, when <paramref name="remove"/> names any (SHA-1
    /// thumbprints), those trusted entries removed; and whether that changes it. An entry to remove that sits in an
    /// encrypted part of the store (keytool imported it) cannot be removed here: TruststoreEntryNotRemovable, before
    /// anything is written.
    /// </summary>
    public static (byte[] Content, FileChange Change) PlanAdd(
        INodeFiles files,
        string configPath,
        string storePath,
        string passwordSetting,
        IReadOnlyDictionary<string, YmlSettingValue> settings,
        string caPem,
        SecureString? keystorePassword,
        string alias,
        IReadOnlyCollection<string>? remove = null)
    {
        if (storePath.EndsWith(".jks", StringComparison.OrdinalIgnoreCase))
        {
            throw new EckRemoteClusterException(
                ErrorIds.NodeTruststoreNotPkcs12,
                EckErrorCategory.InvalidData,
                $"The node trusts the certificates of the JKS store '{storePath}'; this module only adds CAs to PKCS#12 stores, and "
                + "Elasticsearch rejects certificate_authorities beside a truststore, so nothing was changed.",
                $"Add the CA with: keytool -importcert -noprompt -alias {alias} -file <ca.crt> -keystore {storePath}; or convert the store to PKCS#12 and run this again.",
                storePath);
        }

        var password = Password(files, configPath, settings, passwordSetting, keystorePassword);
        var stored = Read(files, storePath, password);
        var present = stored.Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wanted = new X509Certificate2Collection();
        wanted.ImportFromPem(caPem);
        var missing = wanted.Where(c => !present.Contains(c.Thumbprint)).ToList();
        var content = files.ReadAllBytes(storePath);
        var original = content;
        var toRemove = (remove ?? []).Where(t => stored.Any(c => !c.HasPrivateKey && string.Equals(c.Thumbprint, t, StringComparison.OrdinalIgnoreCase))).ToList();
        if (toRemove.Count > 0)
        {
            content = Pkcs12Truststore.RemoveTrustedCertificates(content, password, toRemove, out var notRemoved);
            if (notRemoved.Count > 0)
            {
                var subjects = string.Join("; ", stored.Where(c => notRemoved.Contains(c.Thumbprint, StringComparer.OrdinalIgnoreCase)).Select(c => $"{c.Subject} (SHA-1 {c.Thumbprint})"));
                throw new EckRemoteClusterException(
                    ErrorIds.TruststoreEntryNotRemovable,
                    EckErrorCategory.InvalidData,
                    $"{storePath}: the trusted entry {subjects} is stored encrypted (keytool imports entries so), and this module only removes the entries it added; this write was not made.",
                    $"Remove it with: keytool -delete -alias <its alias, see keytool -list -keystore {storePath}> -keystore {storePath}; then run the command again.",
                    storePath);
            }
        }

        if (missing.Count > 0)
        {
            content = Pkcs12Truststore.AddTrustedCertificates(content, password, missing, alias);
        }

        return (content, ReferenceEquals(content, original) ? FileChange.Unchanged : FileChange.Updated);
    }
}
