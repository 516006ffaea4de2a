namespace EckRemoteCluster;

/// <summary>What Update-RemoteClusterCredential did for one alias: the key the nodes held, and the one they hold now.</summary>
public sealed class RemoteClusterCredentialRotation(
    string alias,
    CredentialRotationAction action,
    string previousKeyId,
    string? previousKeyName,
    DateTime? previousExpiration,
    string apiKeyId,
    string? apiKeyName,
    DateTime? expiration,
    IReadOnlyList<string> configPaths,
    bool verified,
    bool previousKeyRevoked,
    string reason)
{
    public string Alias { get; } = alias;

    public CredentialRotationAction Action { get; } = action;

    /// <summary>The id of the key the nodes held before (only ids are ever shown, never a secret).</summary>
    public string PreviousKeyId { get; } = previousKeyId;

    public string? PreviousKeyName { get; } = previousKeyName;

    public DateTime? PreviousExpiration { get; } = previousExpiration;

    /// <summary>The id of the key every node holds now (the previous one when Unchanged).</summary>
    public string ApiKeyId { get; } = apiKeyId;

    public string? ApiKeyName { get; } = apiKeyName;

    /// <summary>When the key the nodes hold now expires; null when it never does.</summary>
    public DateTime? Expiration { get; } = expiration;

    /// <summary>Days until <see cref="Expiration"/>, rounded down; null when the key never expires.</summary>
    public int? ExpiresInDays => Expiration is { } at ? (int)Math.Floor((at - DateTime.UtcNow).TotalDays) : null;

    /// <summary>The config directories of the nodes whose keystores hold the key.</summary>
    public IReadOnlyList<string> ConfigPaths { get; } = configPaths;

    /// <summary>Whether a fresh check through the alias succeeded with the new key before the old one was revoked.</summary>
    public bool Verified { get; } = verified;

    public bool PreviousKeyRevoked { get; } = previousKeyRevoked;

    /// <summary>Why the key was rotated or left alone.</summary>
    public string Reason { get; } = reason;

    public override string ToString() => $"{Alias}: {Action} ({PreviousKeyId} -> {ApiKeyId})";
}

public enum CredentialRotationAction
{
    /// <summary>The key is not due (outside -ExpiringWithin): nothing was changed.</summary>
    Unchanged,

    /// <summary>A new key is on every node, verified, and the previous one revoked.</summary>
    Rotated,
}
