using System.Security;

namespace EckRemoteCluster;

/// <summary>One setting of an Elasticsearch node's keystore. The value stays a SecureString.</summary>
public sealed class ElasticsearchKeystoreEntry
{
    public ElasticsearchKeystoreEntry(string path, string name, SecureString value, int keystoreVersion, bool passwordProtected)
    {
        Path = path;
        Name = name;
        Value = value;
        KeystoreVersion = keystoreVersion;
        PasswordProtected = passwordProtected;
    }

    /// <summary>The keystore file the entry was read from.</summary>
    public string Path { get; }

    public string Name { get; }

    public SecureString Value { get; }

    /// <summary>The file format version (3 to 6); Elasticsearch 8.14 and later write 6.</summary>
    public int KeystoreVersion { get; }

    public bool PasswordProtected { get; }

    public override string ToString() => Name;
}
