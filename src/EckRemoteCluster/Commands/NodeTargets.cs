using System.Management.Automation;
using System.Management.Automation.Runspaces;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Remoting;

namespace EckRemoteCluster.Commands;

/// <summary>
/// The nodes a cmdlet reads or writes: config directories given as paths (local or shares), or nodes reached through
/// PSSessions, whose files the module reads and writes on the node (SessionNodeFiles). With -Session, -ConfigPath
/// gives each session's directory in order; without it the directory is found on the node (ES_PATH_CONF of the
/// service, /etc/elasticsearch, the MSI's ProgramData path, or the running process's path.conf) and the verbose
/// stream says which.
/// </summary>
internal static class NodeTargets
{
    public static List<NodeDirectory> Resolve(EckRemoteClusterCmdlet cmdlet, string[]? configPaths, PSSession[]? sessions, string? serviceName = null)
    {
        configPaths ??= [];
        sessions ??= [];
        if (sessions.Length == 0)
        {
            if (configPaths.Length == 0)
            {
                throw new EckRemoteClusterException(ErrorIds.NodesNotGiven, EckErrorCategory.InvalidArgument,
                    "No node was given: give -ConfigPath (config directories reachable from here) or -Session (PSSessions to the nodes). Nothing was changed.",
                    "Add -ConfigPath with every node's config directory, or -Session with a session to every node (New-PSSession).");
            }

            return ProviderPaths.ResolveNodeDirectories(cmdlet, configPaths);
        }

        if (configPaths.Length > 0 && configPaths.Length != sessions.Length)
        {
            throw new EckRemoteClusterException(ErrorIds.SessionConfigPathMismatch, EckErrorCategory.InvalidArgument,
                $"{sessions.Length} sessions and {configPaths.Length} config paths: with -Session, -ConfigPath gives each session's config directory, one per session. Nothing was changed.",
                "Give one -ConfigPath per -Session in the same order, or leave -ConfigPath out to have each node's found.");
        }

        var nodes = new List<NodeDirectory>();
        for (var i = 0; i < sessions.Length; i++)
        {
            var session = sessions[i];
            var path = configPaths.Length > 0 ? configPaths[i] : null;
            var remote = RemoteNode.FindAsync(session, path, serviceName, cmdlet.StoppingToken).GetAwaiter().GetResult();
            cmdlet.WriteVerbose($"{SessionCommand.Describe(session)}: config directory {remote.ConfigPath} ({remote.ConfigSource}).");
            nodes.Add(new NodeDirectory(new SessionNodeFiles(session, remote.HostName, remote.IsWindows), remote.ConfigPath));
        }

        return nodes;
    }
}

/// <summary>
/// The nodes one run covers: config directories and sessions as given on the command line, or gathered from piped
/// node objects (Get-ElasticsearchNodeConfig's, or any object with ConfigPath and Session). They are resolved, and
/// so checked, only when the cmdlet has checked the rest of its input.
/// </summary>
internal sealed class NodeSelection
{
    private readonly List<string> _paths = [];
    private readonly List<(string[] Paths, PSSession[] Sessions)> _remote = [];
    private (string? ServiceName, List<NodeDirectory> Nodes)? _resolved;

    public static NodeSelection Of(string[]? configPaths, PSSession[]? sessions)
    {
        var selection = new NodeSelection();
        selection.Add(configPaths, sessions);
        return selection;
    }

    public bool IsEmpty => _paths.Count == 0 && _remote.Count == 0;

    /// <summary>Each session as given, with its -ConfigPath (null when the directory is to be found on the node).</summary>
    public IReadOnlyList<(string? ConfigPath, PSSession Session)> GivenSessions =>
        [.. _remote.SelectMany(r => r.Sessions.Select((session, i) => (r.Paths.Length > 0 ? r.Paths[i] : null, session)))];

    public void Add(string[]? configPaths, PSSession[]? sessions)
    {
        _resolved = null;
        if (sessions is { Length: > 0 })
        {
            _remote.Add((configPaths ?? [], sessions));
        }
        else
        {
            _paths.AddRange(configPaths ?? []);
        }
    }

    /// <summary>
    /// Every node, paths de-duplicated by real path; NodesNotGiven when there is none. Resolved once: a cmdlet that
    /// handles the same nodes for every pipeline record finds each session's config directory only the first time.
    /// </summary>
    public List<NodeDirectory> Resolve(EckRemoteClusterCmdlet cmdlet, string? serviceName = null)
    {
        if (_resolved is { } resolved && resolved.ServiceName == serviceName)
        {
            return [.. resolved.Nodes];
        }

        List<NodeDirectory> nodes = _paths.Count > 0 || _remote.Count == 0 ? NodeTargets.Resolve(cmdlet, [.. _paths], null, serviceName) : [];
        foreach (var (paths, sessions) in _remote)
        {
            nodes.AddRange(NodeTargets.Resolve(cmdlet, paths, sessions, serviceName));
        }

        _resolved = (serviceName, nodes);
        return [.. nodes];
    }
}

/// <summary>
/// Node objects piped one by one into a cmdlet that changes or checks every node at once: when -ConfigPath and
/// -Session were not given on the command line, each record's ConfigPath and Session (bound by property name) are
/// gathered, and the cmdlet runs once for all of them in EndProcessing, so piped nodes are all or none like a
/// -ConfigPath list. Create it in BeginProcessing, when only the command line is bound.
/// </summary>
internal sealed class PipedNodes(PSCmdlet cmdlet)
{
    private readonly bool _givenOnCommandLine =
        cmdlet.MyInvocation.BoundParameters.ContainsKey("ConfigPath") || cmdlet.MyInvocation.BoundParameters.ContainsKey("Session");

    /// <summary>The nodes gathered from the pipeline; null when none came that way.</summary>
    public NodeSelection? Gathered { get; private set; }

    /// <summary>For EndProcessing: runs the cmdlet once for every node gathered, if any came from the pipeline.</summary>
    public void RunGathered(Action<NodeSelection> run)
    {
        if (Gathered is { } nodes)
        {
            run(nodes);
        }
    }

    /// <summary>True when this record brought nodes, which are kept for EndProcessing instead of being processed now.</summary>
    public bool Gather(string[]? configPaths, PSSession[]? sessions)
    {
        if (_givenOnCommandLine || (configPaths is not { Length: > 0 } && sessions is not { Length: > 0 }))
        {
            return false;
        }

        (Gathered ??= new NodeSelection()).Add(configPaths, sessions);
        return true;
    }
}
