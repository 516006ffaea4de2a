using System.Security.Cryptography;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// A self-managed node's secure settings: its config/elasticsearch.keystore, read whenever asked (start, reload), with
/// the newest format the node's Elasticsearch version reads. <paramref name="readFile"/> reads the file's bytes (the
/// node's own reader unless a test counts the reads).
/// </summary>
public sealed class KeystoreFileSource(string configDir, string startupPassword, int maxFormatVersion = 6, Func<string, byte[]>? readFile = null)
    : ISecureSettingsSource
{
    private readonly Func<string, byte[]> _readFile = readFile ?? NodeFileReader.ReadAllBytes;

    public string StartupPassword { get; } = startupPassword;

    private string Path => System.IO.Path.GetFullPath(System.IO.Path.Combine(configDir, ElasticsearchKeystore.FileName));

    public SecureSettingsRead Read(string password)
    {
        if (!File.Exists(Path))
        {
            return new(new Dictionary<string, string>(), null, KeystoreMissing: true);
        }

        // One read and one decryption serve both the settings and the description, so the two always agree, and the
        // key derivation (210,000 PBKDF2 rounds from format 6) is paid once per node, as Elasticsearch pays it.
        var bytes = _readFile(Path);
        var contents = ElasticsearchKeystore.Read(bytes, password, maxFormatVersion, Path);
        var details = new KeystoreDetails(
            [.. contents.Entries.Keys.Order(StringComparer.Ordinal)],
            Path,
            Convert.ToHexStringLower(SHA256.HashData(bytes)),
            File.GetLastWriteTimeUtc(Path));
        return new(contents.Strings(), details);
    }
}
