using System.Security.Cryptography;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// A self-managed node's secure settings: its config/elasticsearch.keystore, read whenever asked (start, reload), with
/// the newest format the node's Elasticsearch version reads.
/// </summary>
public sealed class KeystoreFileSource(string configDir, string startupPassword, int maxFormatVersion = 6) : ISecureSettingsSource
{
    public string StartupPassword { get; } = startupPassword;

    private string Path => System.IO.Path.GetFullPath(System.IO.Path.Combine(configDir, ElasticsearchKeystore.FileName));

    public IReadOnlyDictionary<string, string> Load(string password) =>
        File.Exists(Path) ? ElasticsearchKeystore.Read(NodeFileReader.ReadAllBytes(Path), password, maxFormatVersion, Path).Strings() : new Dictionary<string, string>();

    public KeystoreDetails? Details(string password)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var bytes = NodeFileReader.ReadAllBytes(Path);
        var contents = ElasticsearchKeystore.Read(bytes, password, maxFormatVersion, Path);
        return new KeystoreDetails(
            [.. contents.Entries.Keys.Order(StringComparer.Ordinal)],
            Path,
            Convert.ToHexStringLower(SHA256.HashData(bytes)),
            File.GetLastWriteTimeUtc(Path));
    }
}
