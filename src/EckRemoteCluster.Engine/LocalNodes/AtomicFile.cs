namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// Replaces a file so that a reader (or a crash) sees the old content or the new one, never half of each: the new
/// content goes to a temporary file in the same directory, reaches the disk, and is renamed over the old one, whose
/// previous content stays beside it as &lt;name&gt;.bak.
/// </summary>
internal static class AtomicFile
{
    public const string BackupSuffix = ".bak";

    /// <summary>Writes <paramref name="content"/>; returns the backup's path, or null when the file is new.</summary>
    public static string? Write(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (!File.Exists(path))
            {
                File.Move(temporary, path);
                return null;
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }

            var backup = path + BackupSuffix;
            File.Replace(temporary, path, backup);
            return backup;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new EckRemoteClusterException(
                ex is UnauthorizedAccessException ? "NodeConfigAccessDenied" : "NodeConfigWriteFailed",
                EckErrorCategory.WriteError,
                $"Could not write '{path}': {ex.Message}",
                "Run with an account that may write the node's config directory (the one Elasticsearch runs as, or an administrator).",
                path,
                ex);
        }
    }

    /// <summary>Undoes <see cref="Write"/>: restores the backup, or deletes a file that did not exist before.</summary>
    public static void Restore(string path, string? backup)
    {
        if (backup is null)
        {
            File.Delete(path);
        }
        else
        {
            File.Copy(backup, path, overwrite: true);
        }
    }
}
