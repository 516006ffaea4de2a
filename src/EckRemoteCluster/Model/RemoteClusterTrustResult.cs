namespace EckRemoteCluster;

/// <summary>What trusting a remote cluster's CA changed, or would change, on one node.</summary>
public sealed class RemoteClusterTrustResult : NodeFileResult
{
    public RemoteClusterTrustResult(
        string configPath,
        string caFile,
        FileChange caFileChange,
        IReadOnlyList<string> changedSettings,
        IReadOnlyList<string> backupPaths)
        : base(configPath)
    {
        CaFile = caFile;
        CaFileChange = caFileChange;
        ChangedSettings = changedSettings;
        BackupPaths = backupPaths;
    }

    /// <summary>The CA file in the node's config directory that the settings reference.</summary>
    public string CaFile { get; }

    public FileChange CaFileChange { get; }

    /// <summary>The elasticsearch.yml settings that were added or changed.</summary>
    public IReadOnlyList<string> ChangedSettings { get; }

    /// <summary>
    /// Whether the node must restart to apply this: the settings are static, so a change to them needs one; a new
    /// content in a CA file the node already references does not (Elasticsearch re-reads it within seconds).
    /// </summary>
    public bool RestartRequired => ChangedSettings.Count > 0;

    /// <summary>Copies of the files as they were before, one per file written.</summary>
    public IReadOnlyList<string> BackupPaths { get; }
}

public enum FileChange
{
    Unchanged,
    Created,
    Updated,
}
