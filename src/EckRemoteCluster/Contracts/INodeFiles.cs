namespace EckRemoteCluster.Contracts;

/// <summary>
/// What a node file is, as far as writing it again is concerned. <see cref="RealPath"/> is where the bytes live: the
/// final target when the path is a symbolic link (the module edits the target and leaves the link alone). On Unix
/// <see cref="UserId"/>, <see cref="GroupId"/> and <see cref="Mode"/> are the file's; on Windows they are null and the
/// file's ACL is what is kept.
/// </summary>
internal sealed record NodeFileInfo(string Path, string RealPath, long? UserId, long? GroupId, UnixFileMode? Mode)
{
    /// <summary>"owner:group mode" for messages, e.g. 0:1000 0660.</summary>
    public override string ToString() =>
        UserId is null ? RealPath : $"{RealPath} ({UserId}:{GroupId} {Convert.ToString((int)(Mode ?? 0), 8).PadLeft(4, '0')})";
}

/// <summary>
/// The file operations every writer of node files (elasticsearch.keystore, elasticsearch.yml, CA files, PKCS#12
/// truststores, their backups, the module's lock and journal files) goes through. One implementation works on local
/// paths and shares (LocalNodeFiles in the engine); another may work on a node through a PowerShell session. Each
/// implementation must keep these semantics, which are those Elasticsearch's own tools keep (see
/// KeyStoreWrapper.save in elastic/elasticsearch: temp file beside the keystore, atomic move, refuse to change the
/// owner):
/// <list type="bullet">
/// <item><see cref="GetInfo"/> follows symbolic links: callers write <see cref="NodeFileInfo.RealPath"/>, never the link.</item>
/// <item><see cref="EnsureCanKeep"/> throws (ErrorId NodeFileOwnerWouldChange) when this account cannot give a new
///   file that owner and group (Unix: not root and not the owner, or not in the group). Callers call it for every
///   file of every node before writing anything.</item>
/// <item><see cref="WriteTemporary"/> creates a new file named <c>.&lt;name&gt;.eckrc-&lt;id&gt;.tmp</c>
///   (<see cref="NodeFileNames.TemporaryMarker"/>) in the directory of <c>RealPath</c>, with the owner, group and mode of
///   <c>like</c> (or its ACL on Windows) set BEFORE any content is written, and flushes it to disk.</item>
/// <item><see cref="Replace"/> renames a temporary over its target atomically; given a backup path, the old content
///   stays there first (a hard link where possible, so it keeps its owner and mode).</item>
/// <item><see cref="LockDirectory"/> takes an exclusive lock on the node (a lock file in its config directory), waiting
///   up to the timeout, then throws (ErrorId NodeConfigLocked). Every run locks every node it reads before reading,
///   and holds the locks until it has saved.</item>
/// <item><see cref="FindTemporaries"/> lists the module's temporaries in a directory: while the node is locked these
///   are left over from an interrupted run, and the caller removes them.</item>
/// </list>
/// Paths are the node's own (the remote host's when the files are reached through a session).
/// </summary>
internal interface INodeFiles
{
    /// <summary>Where the files are, for messages: empty for local paths, the computer name for a session.</summary>
    string Location { get; }

    /// <summary>
    /// Calls through files that share a channel must not overlap (a PSSession runs one command at a time), so
    /// several nodes are worked on in parallel only across channels. Null: calls for different nodes may overlap.
    /// </summary>
    object? Channel => null;

    /// <summary>The node's path separator rules: joins a directory and a file name the node's way.</summary>
    string Combine(string directory, string name);

    /// <summary>The canonical path of a directory: absolute, symbolic links resolved, no trailing separator.</summary>
    string RealDirectory(string directory);

    /// <summary>The file's identity with links followed; null when no file is there.</summary>
    NodeFileInfo? GetInfo(string path);

    byte[] ReadAllBytes(string path);

    /// <summary>
    /// The file's length now and its bytes from <paramref name="offset"/> on, at most the last <paramref name="maxBytes"/>
    /// of them (a growing log read since a mark); null when no file is there. An offset past the end gives no bytes.
    /// This default reads the whole file; implementations that can seek read only the part asked for.
    /// </summary>
    NodeFileChunk? ReadChunk(string path, long offset, int maxBytes)
    {
        if (GetInfo(path) is null)
        {
            return null;
        }

        var bytes = ReadAllBytes(path);
        var start = Math.Max(Math.Min(offset, bytes.Length), bytes.Length - (long)maxBytes);
        return new NodeFileChunk(bytes.Length, start, bytes[(int)start..]);
    }

    /// <summary>Throws NodeFileOwnerWouldChange when a file written here could not get <paramref name="like"/>'s owner and group.</summary>
    void EnsureCanKeep(NodeFileInfo like);

    /// <summary>A new temporary in <paramref name="realPath"/>'s directory holding <paramref name="content"/>, with <paramref name="like"/>'s owner, group and mode.</summary>
    string WriteTemporary(string realPath, ReadOnlySpan<byte> content, NodeFileInfo like);

    /// <summary>Atomically puts <paramref name="temporary"/> in place of <paramref name="realPath"/>, keeping the old file as <paramref name="backupPath"/> when given.</summary>
    void Replace(string temporary, string realPath, string? backupPath);

    /// <summary>Deletes a file; no error when it is not there.</summary>
    void Delete(string path);

    /// <summary>The module's temporaries (<see cref="NodeFileNames.TemporaryMarker"/>) in a directory.</summary>
    IReadOnlyList<string> FindTemporaries(string directory);

    /// <summary>Exclusive per-node lock, held until disposed; <paramref name="like"/> gives a new lock file its owner and mode.</summary>
    IDisposable LockDirectory(string directory, NodeFileInfo like, TimeSpan timeout);
}

/// <summary>Part of a file: its <see cref="Length"/> when read, and <see cref="Bytes"/> starting at <see cref="Offset"/>.</summary>
internal sealed record NodeFileChunk(long Length, long Offset, byte[] Bytes);

/// <summary>Names shared by every <see cref="INodeFiles"/> implementation.</summary>
internal static class NodeFileNames
{
    /// <summary>Every temporary the module creates has this in its name (and starts with a dot).</summary>
    public const string TemporaryMarker = ".eckrc-";

    public const string TemporarySuffix = ".tmp";

    /// <summary>The lock file in a node's config directory.</summary>
    public const string LockFile = ".eckremotecluster.lock";

    /// <summary>The journal of an unfinished multi-node write, in each node's config directory.</summary>
    public const string JournalFile = ".eckremotecluster.journal";

    public const string BackupSuffix = ".bak";

    /// <summary>A fresh temporary name for a file; <paramref name="fileName"/> is the target's name without a directory.</summary>
    public static string Temporary(string fileName) => $".{fileName}{TemporaryMarker}{Guid.NewGuid():N}{TemporarySuffix}";

    public static bool IsTemporary(string fileName) =>
        fileName.StartsWith('.') && fileName.Contains(TemporaryMarker, StringComparison.Ordinal) && fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal);
}

/// <summary>One node's config directory and the way to reach its files.</summary>
internal sealed record NodeDirectory(INodeFiles Files, string ConfigPath)
{
    public override string ToString() => Files.Location.Length == 0 ? ConfigPath : $"{Files.Location}:{ConfigPath}";
}
