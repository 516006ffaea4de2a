namespace EckRemoteCluster;

/// <summary>What Add-RemoteClusterCredential (or Disconnect-RemoteCluster -RemoveCredential) did on one node.</summary>
public sealed class RemoteClusterCredentialResult : NodeFileResult
{
    public RemoteClusterCredentialResult(
        string configPath,
        string keystorePath,
        string alias,
        KeystoreChange change,
        string? backupPath,
        SecureSettingsReload reload,
        string? nodeName,
        string? reloadError)
        : base(configPath)
    {
        KeystorePath = keystorePath;
        Alias = alias;
        Change = change;
        BackupPath = backupPath;
        Reload = reload;
        NodeName = nodeName;
        ReloadError = reloadError;
    }

    public string KeystorePath { get; }

    public string Alias { get; }

    /// <summary>The keystore setting that holds the credential: cluster.remote.&lt;alias&gt;.credentials.</summary>
    public string SettingName => RemoteClusterNames.CredentialsSetting(Alias);

    public KeystoreChange Change { get; }

    /// <summary>The copy of the keystore as it was before this change, or null when nothing was written.</summary>
    public string? BackupPath { get; }

    public SecureSettingsReload Reload { get; }

    /// <summary>The node's name as Elasticsearch reported it when reloading.</summary>
    public string? NodeName { get; }

    public string? ReloadError { get; }
}

/// <summary>Whether the node's running Elasticsearch re-read its keystore.</summary>
public enum SecureSettingsReload
{
    /// <summary>No connection was given: the node reads the keystore at its next start.</summary>
    NotRequested,
    Reloaded,
    Failed,
    /// <summary>Nothing changed, so nothing needed reloading.</summary>
    NotNeeded,
}
