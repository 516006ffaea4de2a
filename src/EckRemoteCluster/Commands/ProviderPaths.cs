using System.Collections.ObjectModel;
using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>Turns PowerShell paths (relative, PSDrive, wildcard) into file-system paths the engine can open.</summary>
internal static class ProviderPaths
{
    /// <summary>
    /// The nodes a writing cmdlet works on, all or nothing: every path must resolve (a wildcard to at least one
    /// directory), or the cmdlet stops before reading any file. The same directory reached twice (d, d/, a link to d,
    /// two wildcards) is one node: the engine resolves links and drops the repeats.
    /// </summary>
    public static List<NodeDirectory> ResolveNodeDirectories(PSCmdlet cmdlet, IEnumerable<string> paths)
    {
        var result = new List<NodeDirectory>();
        foreach (var path in paths)
        {
            Collection<string> resolved;
            try
            {
                resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem")
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.PathNotFileSystem,
                        EckErrorCategory.InvalidArgument,
                        $"'{path}' is not a file-system path. Nothing was changed.",
                        "Give a path on a file-system drive or a share.",
                        path);
                }
            }
            catch (ItemNotFoundException ex)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.PathNotFound,
                    EckErrorCategory.ObjectNotFound,
                    $"{ex.Message} Nothing was changed: a node left out would be left behind.",
                    "Give every node's config directory, the folder that holds elasticsearch.yml (for example /etc/elasticsearch); "
                    + "Get-ElasticsearchNodeConfig lists what a path or wildcard finds.",
                    path,
                    ex);
            }

            if (resolved.Count == 0)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.PathNotFound,
                    EckErrorCategory.ObjectNotFound,
                    $"'{path}' matches no directory. Nothing was changed: a node left out would be left behind.",
                    "Give every node's config directory; Get-ElasticsearchNodeConfig lists what a path or wildcard finds.",
                    path);
            }

            result.AddRange(resolved.Select(directory => new NodeDirectory(EckRemoteClusterCmdlet.Engine.NodeConfig.LocalFiles, directory)));
        }

        return result;
    }

    /// <summary>Resolves each path to existing directories; a path that resolves to nothing is a non-terminating error.</summary>
    public static IEnumerable<string> ResolveDirectories(PSCmdlet cmdlet, IEnumerable<string> paths) =>
        Resolve(cmdlet, paths, "Give the node's config directory, the folder that holds elasticsearch.yml (for example /etc/elasticsearch).");

    /// <summary>Resolves each path to existing files; a path that resolves to nothing is a non-terminating error.</summary>
    public static IEnumerable<string> ResolveFiles(PSCmdlet cmdlet, IEnumerable<string> paths) =>
        Resolve(cmdlet, paths, "Give the path of an existing file.");

    private static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, string recommendedAction)
    {
        foreach (var path in paths)
        {
            Collection<string> resolved;
            try
            {
                resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem")
                {
                    cmdlet.WriteError(ErrorRecords.Create(
                        new ArgumentException($"'{path}' is not a file-system path."),
                        ErrorIds.PathNotFileSystem,
                        ErrorCategory.InvalidArgument,
                        path,
                        "Give a path on a file-system drive or a share."));
                    continue;
                }
            }
            catch (ItemNotFoundException ex)
            {
                cmdlet.WriteError(ErrorRecords.Create(
                    ex,
                    ErrorIds.PathNotFound,
                    ErrorCategory.ObjectNotFound,
                    path,
                    recommendedAction));
                continue;
            }

            foreach (var directory in resolved)
            {
                yield return directory;
            }
        }
    }
}
