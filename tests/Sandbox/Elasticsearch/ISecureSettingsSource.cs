namespace Sandbox.Elasticsearch;

/// <summary>Where a node's secure settings come from: the elasticsearch.keystore file, or nothing the sandbox models.</summary>
public interface ISecureSettingsSource
{
    /// <summary>
    /// The keystore's string entries; throws <see cref="EsException"/> as Elasticsearch fails to load it (a wrong password,
    /// a corrupted file, a format the node's version does not read).
    /// </summary>
    IReadOnlyDictionary<string, string> Load(string password);

    /// <summary>The password the node was started with (KEYSTORE_PASSWORD / the prompt at start).</summary>
    string StartupPassword { get; }

    /// <summary>What the reload response of 9.3+ tells about the keystore file, or null when there is no file to describe.</summary>
    KeystoreDetails? Details(string password) => null;
}

/// <summary>The keystore as NodesReloadSecureSettingsResponse (9.3+) reports it.</summary>
public sealed record KeystoreDetails(IReadOnlyList<string> SettingNames, string Path, string Sha256Hex, DateTimeOffset LastModified);

/// <summary>ECK pods: ECK manages their keystore from secureSettings; none of its entries matter to the sandbox.</summary>
public sealed class NoSecureSettings : ISecureSettingsSource
{
    public string StartupPassword => string.Empty;

    public IReadOnlyDictionary<string, string> Load(string password) => new Dictionary<string, string>();
}
