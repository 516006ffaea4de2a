namespace Sandbox.Elasticsearch;

/// <summary>Where a node's secure settings come from: the elasticsearch.keystore file, or nothing the sandbox models.</summary>
public interface ISecureSettingsSource
{
    /// <summary>The keystore's string entries; throws <see cref="EsException"/> (security_exception) for a wrong password.</summary>
    IReadOnlyDictionary<string, string> Load(string password);

    /// <summary>The password the node was started with (KEYSTORE_PASSWORD / the prompt at start).</summary>
    string StartupPassword { get; }
}

/// <summary>ECK pods: ECK manages their keystore from secureSettings; none of its entries matter to the sandbox.</summary>
public sealed class NoSecureSettings : ISecureSettingsSource
{
    public string StartupPassword => string.Empty;

    public IReadOnlyDictionary<string, string> Load(string password) => new Dictionary<string, string>();
}
