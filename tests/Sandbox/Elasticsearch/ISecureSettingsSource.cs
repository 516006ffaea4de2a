namespace Sandbox.Elasticsearch;

/// <summary>Where a node's secure settings come from: the elasticsearch.keystore file, or nothing the sandbox models.</summary>
public interface ISecureSettingsSource
{
    /// <summary>
    /// The keystore read and decrypted once, as a node does at start and on each reload (Elasticsearch's
    /// TransportNodesReloadSecureSettingsAction.nodeOperation: KeyStoreWrapper.load, then decrypt, and the 9.3+ answer
    /// describes that same keystore). Throws <see cref="EsException"/> as Elasticsearch fails to load it (a wrong
    /// password, a corrupted file, a format the node's version does not read).
    /// </summary>
    SecureSettingsRead Read(string password);

    /// <summary>The password the node was started with (KEYSTORE_PASSWORD / the prompt at start).</summary>
    string StartupPassword { get; }
}

/// <summary>One read of a node's secure settings: its string entries, what the reload response of 9.3+ tells about the
/// keystore file (null when there is no file to describe), and whether the node has a keystore file at all.</summary>
public sealed record SecureSettingsRead(IReadOnlyDictionary<string, string> Settings, KeystoreDetails? Details, bool KeystoreMissing = false);

/// <summary>The keystore as NodesReloadSecureSettingsResponse (9.3+) reports it.</summary>
public sealed record KeystoreDetails(IReadOnlyList<string> SettingNames, string Path, string Sha256Hex, DateTimeOffset LastModified);

/// <summary>ECK pods: ECK manages their keystore from secureSettings; none of its entries matter to the sandbox.</summary>
public sealed class NoSecureSettings : ISecureSettingsSource
{
    public string StartupPassword => string.Empty;

    public SecureSettingsRead Read(string password) => new(new Dictionary<string, string>(), null);
}
