using System.Collections.ObjectModel;
using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Turns PowerShell paths (relative, PSDrive, wildcard) into file-system paths the engine can open.</summary>
internal static class ProviderPaths
{
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
                        "PathNotFileSystem",
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
                    "PathNotFound",
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
