using System.Management.Automation;
using System.Management.Automation.Runspaces;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// The one declaration of -ConfigPath and -Session for the cmdlets that read each node on its own
/// (Get-ElasticsearchNodeConfig, Get-ElasticsearchKeystore, Get-ElasticsearchTransportCa) and write one result per
/// node as it is read. Two parameter sets: ConfigPath (config directories, positional or piped as strings) and
/// Session (PSSessions piped or given, each node's directory given with -ConfigPath or found on the node). By property
/// name, ConfigPath and Session bind in the Session set only: PowerShell binds a piped object in the default set first
/// when it can, so a ConfigPath bound there by property name would keep a node object's Session from binding. Read
/// through a session, a node object is read again through that session; read as a path (its Session is null), or a
/// directory from Get-Item (its PSPath), as that path.
/// </summary>
public abstract class NodeReaderCmdlet : EckRemoteClusterCmdlet
{
    private protected const string ByConfigPath = "ConfigPath";
    private protected const string BySession = "Session";

    /// <summary>A node's config directory (the folder with elasticsearch.yml), local or on a share; with -Session, on that node.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByConfigPath)]
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = BySession)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>
    /// Sessions to the nodes (PSSessions piped or given); each node is read on the node, its config directory found
    /// there without -ConfigPath. Null is allowed so that a node object read as a path (Session null) binds by
    /// property name and is read as that path.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = BySession)]
    [AllowNull]
    [AllowEmptyCollection]
    public PSSession[]? Session { get; set; }

    /// <summary>
    /// The nodes of this record, each with how to reach its files: through its session, or as local or share paths
    /// (wildcards expanded; a path that matches nothing is written as an error and skipped).
    /// </summary>
    private protected IEnumerable<NodeDirectory> RecordNodes()
    {
        if (Session is { Length: > 0 } sessions)
        {
            return NodeTargets.Resolve(this, ConfigPath, sessions);
        }

        if (ConfigPath.Length == 0)
        {
            throw new EckRemoteClusterException(ErrorIds.NodesNotGiven, EckErrorCategory.InvalidArgument,
                "No node was given: give -ConfigPath (config directories reachable from here) or -Session (PSSessions to the nodes).",
                $"Add -ConfigPath with a node's config directory, or -Session with a session to the node (New-PSSession), to {MyInvocation.MyCommand.Name}.");
        }

        return ProviderPaths.ResolveDirectories(this, ConfigPath).Select(path => new NodeDirectory(Engine.NodeConfig.LocalFiles, path));
    }
}
