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
