using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// Replaces one whole file the way every node file is written (<see cref="INodeFiles"/>): a temporary beside the file
/// (the link's target for a link) that has the old file's owner, group and mode before any content is written, then
/// renamed over it. Refuses, writing nothing, when the owner cannot be kept. Several nodes' files are written together
/// through NodeWriteBatch instead.
/// </summary>
internal static class WholeFileWrite
{
    /// <param name="newFileMode">The mode of a file that did not exist (Unix); null for this process's default.</param>
    /// <param name="backupSuffix">When given, the previous file is kept beside it under this suffix.</param>
    public static void Write(INodeFiles files, string path, ReadOnlySpan<byte> content, UnixFileMode? newFileMode, string? backupSuffix)
    {
        var existing = files.GetInfo(path);
        var fullPath = Path.GetFullPath(path);
        var like = existing ?? new NodeFileInfo(fullPath, fullPath, null, null, OperatingSystem.IsWindows() ? null : newFileMode);
        files.EnsureCanKeep(like);
        var temporary = files.WriteTemporary(like.RealPath, content, like);
        try
        {
            files.Replace(temporary, like.RealPath, existing is null || backupSuffix is null ? null : like.RealPath + backupSuffix);
        }
        catch
        {
            files.Delete(temporary);
            throw;
        }
    }
}
