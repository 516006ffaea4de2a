namespace Sandbox.Elasticsearch.Local;

/// <summary>A self-managed node's secure settings: its config/elasticsearch.keystore, read whenever asked (start, reload).</summary>
public sealed class KeystoreFileSource(string configDir, string startupPassword) : ISecureSettingsSource
{
    public string StartupPassword { get; } = startupPassword;

    public IReadOnlyDictionary<string, string> Load(string password)
    {
        var path = Path.Combine(configDir, ElasticsearchKeystore.FileName);
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>();
        }

        return ElasticsearchKeystore.Read(File.ReadAllBytes(path), password).Strings();
    }
}
