using System.Collections.ObjectModel;
using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Turns PowerShell paths (relative, PSDrive, wildcard) into file-system paths the engine can open.</summary>
internal static class ProviderPaths
{
    /// <summary>Resolves each path to existing directories; a path that resolves to nothing is a non-terminating error.</summary>
    public static IEnumerable<string> ResolveDirectories(PSCmdlet cmdlet, IEnumerable<string> paths)
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
                        "ConfigPathNotFileSystem",
                        ErrorCategory.InvalidArgument,
                        path,
                        "Give the path of the node's config directory on a drive or share."));
                    continue;
                }
            }
            catch (ItemNotFoundException ex)
            {
                cmdlet.WriteError(ErrorRecords.Create(
                    ex,
                    "ConfigPathNotFound",
                    ErrorCategory.ObjectNotFound,
                    path,
                    "Give the node's config directory, the folder that holds elasticsearch.yml (for example /etc/elasticsearch)."));
                continue;
            }

            foreach (var directory in resolved)
            {
                yield return directory;
            }
        }
    }
}
