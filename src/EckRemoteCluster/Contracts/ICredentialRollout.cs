using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>
/// One node whose keystore holds (or now holds) a remote cluster credential: its node.name (null when its
/// elasticsearch.yml could not be read; the caller reads it, locally or through a session) and whether its keystore
/// is password protected, which decides how it must be asked to reload.
/// </summary>
internal sealed record CredentialNode(string? NodeName, bool PasswordProtected);

/// <summary>What reloading its secure settings did on one node.</summary>
internal sealed record CredentialReload(CredentialNode Node, SecureSettingsReload Reload, string? Failure);

/// <summary>
/// Making a remote cluster credential written into the nodes' keystores take effect, the same way for
/// Add-RemoteClusterCredential and Move-RemoteClusterToApiKey: the version gate of the API-key model, a reload of
/// secure settings that works when only some keystores are password protected, and finding the keys it supersedes.
/// </summary>
internal interface ICredentialRollout
{
    /// <summary>Throws ApiKeyModelUnsupportedVersion unless the local cluster runs 8.14 or later.</summary>
    void EnsureApiKeyModelSupported(ElasticsearchConnection local);

    /// <summary>
    /// Reloads the secure settings of the local cluster's nodes: one request per group of nodes that open their
    /// keystores alike (with <paramref name="keystorePassword"/>, or without a password). Returns one entry per node,
    /// in the order given.
    /// </summary>
    Task<IReadOnlyList<CredentialReload>> ReloadAsync(
        ElasticsearchConnection local,
        IReadOnlyList<CredentialNode> nodes,
        SecureString? keystorePassword,
        IOperationReporter reporter,
        CancellationToken cancellationToken);

    /// <summary>
    /// The module's earlier keys for <paramref name="alias"/> on the key's own cluster, once the local cluster is
    /// connected with <paramref name="current"/> (until then the old key is what keeps the connection working);
    /// empty when the key was not created in this session or the alias is not registered yet.
    /// </summary>
    Task<IReadOnlyList<CrossClusterApiKey>> FindSupersededKeysAsync(
        ElasticsearchConnection local,
        string alias,
        CrossClusterApiKey current,
        IOperationReporter reporter,
        CancellationToken cancellationToken);
}
