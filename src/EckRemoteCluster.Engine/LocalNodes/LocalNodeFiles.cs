using EckRemoteCluster.Contracts;
using System.Diagnostics;
using System.Runtime.Versioning;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// <see cref="INodeFiles"/> on paths this process can open (local disks and shares). On Linux owners and groups are
/// read with statx and given to temporaries with fchown on the open descriptor before anything is written; the mode
/// is set at creation and again after the chown. On Windows File.Replace keeps the replaced file's ACL, and a new
/// file gets the ACL of the file it is made like.
/// </summary>
internal sealed class LocalNodeFiles : INodeFiles
{
    public static readonly LocalNodeFiles Instance = new(() => UnixFiles.EffectiveUserId, UnixFiles.Groups);

    private readonly Func<long> _effectiveUser;
    private readonly Func<IReadOnlySet<long>> _groups;

    /// <summary>Who this process is to the file system; tests give another identity to see what a non-root run decides.</summary>
    internal LocalNodeFiles(Func<long> effectiveUser, Func<IReadOnlySet<long>> groups)
    {
        _effectiveUser = effectiveUser;
        _groups = groups;
    }

    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    public string Location => string.Empty;

    public string Combine(string directory, string name) => Path.Combine(directory, name);

    public string RealDirectory(string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var info = new DirectoryInfo(full);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            return Path.TrimEndingDirectorySeparator(RealDirectory(target.FullName));
        }

        // A link further up (e.g. /etc/es -> /srv/es/config) is resolved through the parent.
        var parent = Path.GetDirectoryName(full);
        return parent is null ? full : Path.Combine(RealDirectory(parent), Path.GetFileName(full));
    }

    public NodeFileInfo? GetInfo(string path)
    {
        var full = Path.GetFullPath(path);
        var file = new FileInfo(full);
        string real = full;
        if (file.LinkTarget is not null)
        {
            if (file.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true } target)
            {
                return null;
            }

            real = target.FullName;
        }
        else if (!file.Exists)
        {
            return null;
        }

        real = Path.Combine(RealDirectory(Path.GetDirectoryName(real)!), Path.GetFileName(real));
        if (OperatingSystem.IsWindows())
        {
            return new NodeFileInfo(full, real, null, null, null);
        }

        var owner = UnixFiles.Owner(real);
        return new NodeFileInfo(full, real, owner?.Uid, owner?.Gid, File.GetUnixFileMode(real));
    }

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public NodeFileChunk? ReadChunk(string path, long offset, int maxBytes)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // Elasticsearch keeps writing the log while it is read: share it for writing (and rotation) and read what is there.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = stream.Length;
        var start = Math.Max(Math.Min(offset, length), length - maxBytes);
        stream.Seek(start, SeekOrigin.Begin);
        var bytes = new byte[length - start];
        stream.ReadExactly(bytes);
        return new NodeFileChunk(length, start, bytes);
    }

    public void EnsureCanKeep(NodeFileInfo like)
    {
        if (like.UserId is not { } uid || like.GroupId is not { } gid)
        {
            return;
        }

        var self = _effectiveUser();
        if (self == 0)
        {
            return;
        }

        if (uid != self)
        {
            throw NodeFileErrors.OwnerWouldChange(like, $"it is owned by user {uid} and this process runs as user {self}");
        }

        if (!_groups().Contains(gid))
        {
            throw NodeFileErrors.OwnerWouldChange(like, $"its group is {gid}, which this process (user {self}) is not a member of");
        }
    }

    public string WriteTemporary(string realPath, ReadOnlySpan<byte> content, NodeFileInfo like)
    {
        var directory = Path.GetDirectoryName(realPath)!;
        var temporary = Path.Combine(directory, NodeFileNames.Temporary(Path.GetFileName(realPath)));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows() && like.Mode is { } createMode)
            {
                // Never more than the final mode, even for the instant before the chown; the umask may take bits away.
                options.UnixCreateMode = createMode & PermissionBits;
            }

            using (var stream = new FileStream(temporary, options))
            {
                if (!OperatingSystem.IsWindows())
                {
                    if (like.UserId is { } uid && like.GroupId is { } gid)
                    {
                        UnixFiles.ChangeOwner(stream.SafeFileHandle, uid, gid);
                    }

                    if (like.Mode is { } mode)
                    {
                        File.SetUnixFileMode(stream.SafeFileHandle, mode);
                    }
                }
                else
                {
                    CopyAcl(like.RealPath, temporary);
                }

                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            return temporary;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw NodeFileErrors.WriteFailed(realPath, ex);
        }
    }

    public void Replace(string temporary, string realPath, string? backupPath)
    {
        try
        {
            if (backupPath is not null && File.Exists(realPath))
            {
                // Hard-links the old file as the backup (same owner, mode and ACL), then renames over it.
                File.Replace(temporary, realPath, backupPath, ignoreMetadataErrors: true);
            }
            else
            {
                File.Move(temporary, realPath, overwrite: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw NodeFileErrors.WriteFailed(realPath, ex);
        }
    }

    public void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public IReadOnlyList<string> FindTemporaries(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, ".*" + NodeFileNames.TemporaryMarker + "*" + NodeFileNames.TemporarySuffix)
                .Where(f => NodeFileNames.IsTemporary(Path.GetFileName(f)))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    public IDisposable LockDirectory(string directory, NodeFileInfo like, TimeSpan timeout)
    {
        var path = Path.Combine(directory, NodeFileNames.LockFile);
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock: flock(LOCK_EX) on Unix, a share-mode lock on Windows. The lock
                // file stays (deleting it would let two runs lock two different files of the same name).
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows() && like.Mode is { } mode)
                {
                    options.UnixCreateMode = mode & PermissionBits & ~(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }

                bool existed = File.Exists(path);
                var stream = new FileStream(path, options);
                if (!existed && !OperatingSystem.IsWindows() && like.UserId is { } uid && like.GroupId is { } gid && UnixFiles.EffectiveUserId == 0)
                {
                    UnixFiles.ChangeOwner(stream.SafeFileHandle, uid, gid);
                }

                return stream;
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(path))
            {
                if (clock.Elapsed >= timeout)
                {
                    throw NodeFileErrors.Locked(directory, timeout, ex);
                }

                Thread.Sleep(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
            catch (UnauthorizedAccessException ex)
            {
                throw NodeFileErrors.WriteFailed(path, ex);
            }
        }
    }

    private static void CopyAcl(string from, string to)
    {
        if (OperatingSystem.IsWindows() && File.Exists(from))
        {
            CopyWindowsAcl(from, to);
        }
    }

    [SupportedOSPlatform("windows")]
    private static void CopyWindowsAcl(string from, string to)
    {
        var security = new FileInfo(from).GetAccessControl();
        var target = new FileInfo(to);
        var copy = new System.Security.AccessControl.FileSecurity();
        copy.SetSecurityDescriptorBinaryForm(security.GetSecurityDescriptorBinaryForm());
        target.SetAccessControl(copy);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next run removes it (FindTemporaries); it never holds more than the final file's mode allows.
        }
    }
}
