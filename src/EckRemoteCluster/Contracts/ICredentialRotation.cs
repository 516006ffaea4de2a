using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>What Update-RemoteClusterCredential asks for: which alias, which nodes, and when a key is due.</summary>
internal sealed record CredentialRotationRequest(
    ElasticsearchConnection Local,
    ElasticsearchConnection Remote,
    string Alias,
    IReadOnlyList<NodeDirectory> Nodes,
    SecureString? KeystorePassword,
    string? ExpiringWithin,
    string? Expiration,
    string? SearchIndex,
    TimeSpan VerifyTimeout,
    CredentialReplacement? Replacement = null);

/// <summary>
/// The new key's access and lifetime when the caller decides them (Sync-RemoteClusterEstate: the estate file) instead of
/// the old key: Expiration null means a key that never expires, whatever the old key's lifetime was.
/// </summary>
internal sealed record CredentialReplacement(CrossClusterAccessRequest Access, string? Expiration);

/// <summary>
/// Asks the user (on the pipeline thread: ShouldProcess, -WhatIf, -Confirm) before the engine changes something;
/// false means "do not", and the engine then changes nothing.
/// </summary>
internal interface IChangeConfirmation
{
    Task<bool> ConfirmAsync(string target, string action);
}

/// <summary>
/// Replaces the cross-cluster API key a local cluster uses for a remote by a new one with the same access, without a
/// moment when a node holds no working key: the key the nodes hold is read from their keystores (its id only) and on the
/// remote; a new key is created, written to every keystore (all or none) and reloaded; the remote is checked afresh
/// through the alias; only then is the old key revoked. A failed check puts the old key back on every node, reloads it,
/// revokes the unused new key and fails with CredentialRotationNotVerified, leaving the old key valid.
/// </summary>
internal interface ICredentialRotation
{
    /// <summary>
    /// Null when the confirmation said no (-WhatIf): nothing was created, written or revoked. Otherwise the result,
    /// Unchanged when the key is not due (outside -ExpiringWithin).
    /// </summary>
    Task<RemoteClusterCredentialRotation?> RotateAsync(
        CredentialRotationRequest request, IChangeConfirmation confirmation, IOperationReporter reporter, CancellationToken cancellationToken);
}
