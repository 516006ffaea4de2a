namespace EckRemoteCluster;

/// <summary>What Sync-RemoteClusterTrust did to one node's CA file for a remote.</summary>
public sealed class RemoteClusterTrustSync(
    string configPath,
    string alias,
    string caFile,
    TrustSyncAction action,
    IReadOnlyList<string> added,
    IReadOnlyList<string> removed,
    IReadOnlyList<string> kept,
    bool verified,
    string reason,
    IReadOnlyList<string> backupPaths) : NodeFileResult(configPath)
{
    public string Alias { get; } = alias;

    /// <summary>The CA file the node's settings reference (remote-cluster-ca.crt, or remote-transport-ca.crt for the certificate model).</summary>
    public string CaFile { get; } = caFile;

    public TrustSyncAction Action { get; } = action;

    /// <summary>The CAs this run added ("subject (SHA-256 fingerprint)").</summary>
    public IReadOnlyList<string> Added { get; } = added;

    /// <summary>The superseded CAs this run removed.</summary>
    public IReadOnlyList<string> Removed { get; } = removed;

    /// <summary>Superseded CAs still in the file, kept until the remote is proven to need only the new ones.</summary>
    public IReadOnlyList<string> Kept { get; } = kept;

    /// <summary>Whether the remote answered a fresh check after this run's last change (or with nothing to change).</summary>
    public bool Verified { get; } = verified;

    /// <summary>Why the file is as it is now, in particular why a superseded CA was kept.</summary>
    public string Reason { get; } = reason;

    /// <summary>Copies of the file as it was before each change.</summary>
    public IReadOnlyList<string> BackupPaths { get; } = backupPaths;

    public override string ToString() => $"{ConfigPath}: {Action}";
}

public enum TrustSyncAction
{
    /// <summary>The file already trusts exactly the ECK cluster's current CAs.</summary>
    Unchanged,

    /// <summary>The new CA was added; the superseded one is kept (see Reason) and a later run removes it.</summary>
    CaAdded,

    /// <summary>The superseded CA was removed; the file trusts only the current CAs.</summary>
    OldCaRemoved,

    /// <summary>Both in one run: the new CA added, the remote verified with it alone, the superseded CA removed.</summary>
    CaAddedOldCaRemoved,

    /// <summary>Nothing to add, and a superseded CA is still kept (see Reason).</summary>
    OldCaKept,
}
