namespace EckRemoteCluster;

/// <summary>What trusting a remote cluster's CA changed, or would change, on one node.</summary>
public sealed class RemoteClusterTrustResult
{
    public RemoteClusterTrustResult(
        string configPath,
        string caFile,
        FileChange caFileChange,
        IReadOnlyList<string> changedSettings,
        IReadOnlyList<string> backupPaths)
    {
        ConfigPath = configPath;
        CaFile = caFile;
        CaFileChange = caFileChange;
        ChangedSettings = changedSettings;
        BackupPaths = backupPaths;
    }

    public string ConfigPath { get; }

    /// <summary>The session the node was reached through (-Session), so Restart-ElasticsearchNode can restart it; null for paths.</summary>
    public System.Management.Automation.Runspaces.PSSession? Session => (Node?.Files as Remoting.SessionNodeFiles)?.Session;

    /// <summary>The node's host when reached through a session.</summary>
    public string? ComputerName => Node?.Files.Location is { Length: > 0 } host ? host : null;

    internal Contracts.NodeDirectory? Node { get; init; }

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
