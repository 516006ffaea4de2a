using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Shared by the cmdlets that write the files of every node of the local cluster at once (Add-RemoteClusterCredential,
/// Add-RemoteClusterTrust): which nodes (-ConfigPath, -Session), and nodes piped one by one from
/// Get-ElasticsearchNodeConfig collected and written together in EndProcessing, so that the all-or-none write covers
/// every node and not one node per pipeline record.
/// </summary>
public abstract class NodeFilesCmdlet : EckRemoteClusterCmdlet
{
    /// <summary>
    /// The config directory of every node of the local cluster (wildcards allowed; each must match; with -Session: on
    /// each node, in order). Node objects from Get-ElasticsearchNodeConfig bind by property name, and are then written
    /// together once all have arrived.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>
    /// Sessions to the nodes (New-PSSession, WinRM or SSH): each node's files are read and written on the node through
    /// its session, with the same ownership, locking and all-or-none rules; the node needs no module. With -Session,
    /// -ConfigPath gives each session's config directory in order; without it, each node's is found. Binds by
    /// property name from node objects read through a session (null for nodes read as paths).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public PSSession[]? Session { get; set; }

    private PipedNodes _piped = null!;

    protected override void BeginProcessing() => _piped = new PipedNodes(this);

    protected override void ProcessRecordCore()
    {
        if (!_piped.Gather(ConfigPath, Session))
        {
            WriteNodes(NodeSelection.Of(ConfigPath, Session));
        }
    }

    protected override void EndProcessing() => _piped.RunGathered(nodes => Guarded(() => WriteNodes(nodes)));

    /// <summary>Writes the files of these nodes together, once the rest of the input is checked (<see cref="NodeSelection.Resolve"/>).</summary>
    private protected abstract void WriteNodes(NodeSelection selection);
}
