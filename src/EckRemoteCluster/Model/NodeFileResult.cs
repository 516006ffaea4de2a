namespace EckRemoteCluster;

/// <summary>
/// What a cmdlet that writes node files did on one node: where the node's config directory is and, when it was reached
/// through -Session, that session, so Restart-ElasticsearchNode can take the result from the pipeline.
/// </summary>
public abstract class NodeFileResult
{
    private protected NodeFileResult(string configPath) => ConfigPath = configPath;

    public string ConfigPath { get; }

    /// <summary>The session the node was reached through (-Session); null for paths.</summary>
    public System.Management.Automation.Runspaces.PSSession? Session => (Node?.Files as Remoting.SessionNodeFiles)?.Session;

    /// <summary>The node's host when reached through a session.</summary>
    public string? ComputerName => Node?.Files.Location is { Length: > 0 } host ? host : null;

    internal Contracts.NodeDirectory? Node { get; init; }
}
