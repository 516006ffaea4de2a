using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;

namespace EckRemoteCluster.Commands;

/// <summary>
/// The one declaration of -ConfigPath, -Session and -KeystorePassword for every cmdlet that changes or checks the
/// files of all nodes of the local cluster at once (Add-RemoteClusterCredential, Add-RemoteClusterTrust,
/// Move-RemoteClusterToApiKey, Test-RemoteCluster, Disconnect-RemoteCluster, Sync-RemoteClusterTrust,
/// Update-RemoteClusterCredential, Export-RemoteClusterEstate, Get-RemoteClusterHealth, Watch-RemoteCluster), and how
/// they take nodes from the pipeline: node objects (Get-ElasticsearchNodeConfig's, or anything with ConfigPath and
/// Session) bind by property name, are gathered, and are handled together in EndProcessing, so the all-or-none write
/// and the cross-node checks cover every node and not one node per pipeline record. Nodes given on the command line
/// are handled with each record. The readers, which read each node on its own, have theirs in NodeReaderCmdlet.
/// </summary>
public abstract class NodeFilesCmdlet : EckRemoteClusterCmdlet
{
    /// <summary>
    /// The config directory of every node of the local cluster (wildcards allowed; each must match; with -Session: on
    /// each node, in order). Node objects from Get-ElasticsearchNodeConfig bind by property name.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>
    /// Sessions to the nodes (New-PSSession, WinRM or SSH): each node's files are read and written on the node through
    /// its session, with the same ownership, locking and all-or-none rules; the node needs no module. With -Session,
    /// -ConfigPath gives each session's config directory in order; without it, each node's is found. Binds by
    /// property name from node objects read through a session (null for nodes read as paths, which then bind
    /// -ConfigPath alone).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public PSSession[]? Session { get; set; }

    /// <summary>The password of the nodes' keystores, when they are password protected.</summary>
    [Parameter]
    public SecureString? KeystorePassword { get; set; }

    private PipedNodes _piped = null!;
    private NodeSelection? _commandLine;

    protected override void BeginProcessing() => _piped = new PipedNodes(this);

    protected sealed override void ProcessRecordCore()
    {
        if (!_piped.Gather(ConfigPath, Session))
        {
            // The same selection for every record: it resolves (finds each session's config directory) once.
            ProcessNodes(_commandLine ??= NodeSelection.Of(ConfigPath, Session));
        }
    }

    protected override void EndProcessing() => _piped.RunGathered(nodes => Guarded(() => ProcessNodes(nodes)));

    /// <summary>
    /// Does the cmdlet's work for these nodes: with each record for nodes given on the command line (or none), once in
    /// EndProcessing for nodes gathered from the pipeline. Resolve them (<see cref="NodeSelection.Resolve"/>) once the
    /// rest of the input is checked; <see cref="NodeSelection.IsEmpty"/> when no node was given.
    /// </summary>
    private protected abstract void ProcessNodes(NodeSelection nodes);
}

/// <summary>
/// A <see cref="NodeFilesCmdlet"/> that also acts on one ECK cluster (Move-RemoteClusterToApiKey,
/// Sync-RemoteClusterTrust). A class has one base, so -Name, -Namespace, -Context and -KubeConfig are declared here as
/// on EckClusterCmdlet, and read the cluster the same way (<see cref="EckClusterCmdlet.Read"/>); the ParameterNames
/// tests check that both declarations bind alike.
/// </summary>
public abstract class EckClusterNodeFilesCmdlet : NodeFilesCmdlet
{
    /// <summary>The Elasticsearch resource's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.EckClusterNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Its namespace; the context's namespace when left out.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>The kubeconfig context; the current context when left out.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.KubeContextCompleter))]
    public string? Context { get; set; }

    /// <summary>-KubeConfig: described for users once, in docs/en-US/parameters.md.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KubeConfig { get; set; }

    /// <summary>Reads the cluster as it is now.</summary>
    internal EckCluster ReadCluster() => EckClusterCmdlet.Read(this, KubeConfig, Context, Namespace, Name);
}
