using System.Management.Automation;
using System.Management.Automation.Runspaces;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Remoting;

/// <summary>
/// <see cref="INodeFiles"/> on a node reached through a PSSession (WinRM or SSH): each operation is one run of
/// Remoting/Scripts/NodeFiles.ps1 on the node, with LocalNodeFiles' semantics (owner and mode before content, links
/// edited at their target, atomic rename, per-node lock files), so the engine's batches, journal and recovery work
/// unchanged on remote nodes. The node needs PowerShell only. Failures become the same ErrorIds as local ones.
/// </summary>
internal sealed class SessionNodeFiles(PSSession session, string hostName, bool isWindows) : INodeFiles
{
    private (long UserId, IReadOnlySet<long> Groups)? _identity;

    public PSSession Session { get; } = session;

    /// <summary>The node's host name: the same directory through two sessions to one host is one node.</summary>
    public string Location { get; } = hostName;

    /// <summary>The session's runspace runs one command at a time: nodes behind one session take turns.</summary>
    public object Channel => Session.Runspace;

    public string Combine(string directory, string name) =>
        isWindows ? directory.TrimEnd('\\', '/') + "\\" + name : directory.TrimEnd('/') + "/" + name;

    public string RealDirectory(string directory) => Text(Run("RealDirectory", directory, read: true)) ?? directory;

    public NodeFileInfo? GetInfo(string path)
    {
        var info = Run("GetInfo", path, read: true).FirstOrDefault();
        if (info is null)
        {
            return null;
        }

        long? Number(string name) => info.Properties[name]?.Value is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
        var mode = Number("Mode");
        return new NodeFileInfo(
            (string)info.Properties["Path"].Value,
            (string)info.Properties["RealPath"].Value,
            Number("UserId"),
            Number("GroupId"),
            mode is null ? null : (UnixFileMode)mode.Value);
    }

    public byte[] ReadAllBytes(string path) =>
        Run("Read", path, read: true).FirstOrDefault()?.BaseObject as byte[] ?? [];

    public NodeFileChunk? ReadChunk(string path, long offset, int maxBytes)
    {
        var chunk = Run("ReadChunk", path, read: true, second: $"{offset}:{maxBytes}").FirstOrDefault();
        if (chunk is null)
        {
            return null;
        }

        return new NodeFileChunk(
            Convert.ToInt64(chunk.Properties["Length"].Value, System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(chunk.Properties["Offset"].Value, System.Globalization.CultureInfo.InvariantCulture),
            LanguagePrimitives.ConvertTo<byte[]>(chunk.Properties["Bytes"].Value) ?? []);
    }

    public void EnsureCanKeep(NodeFileInfo like)
    {
        if (like.UserId is not { } uid || like.GroupId is not { } gid)
        {
            return;
        }

        var (self, groups) = _identity ??= ReadIdentity();
        if (self == 0)
        {
            return;
        }

        if (uid != self)
        {
            throw NodeFileErrors.OwnerWouldChange(like, $"it is owned by user {uid} and the session to {Location} runs as user {self}");
        }

        if (!groups.Contains(gid))
        {
            throw NodeFileErrors.OwnerWouldChange(like, $"its group is {gid}, which the session's user {self} on {Location} is not a member of");
        }
    }

    public string WriteTemporary(string realPath, ReadOnlySpan<byte> content, NodeFileInfo like) =>
        Text(Run("WriteTemporary", realPath, read: false, content: content.ToArray(), like: like))
        ?? throw NodeFileErrors.WriteFailed(realPath, new IOException("The node returned no temporary file name."));

    public void Replace(string temporary, string realPath, string? backupPath) =>
        Run("Replace", temporary, read: false, likePath: realPath, second: backupPath, errorPath: realPath);

    public void Delete(string path) => Run("Delete", path, read: false);

    public IReadOnlyList<string> FindTemporaries(string directory) =>
        [.. Run("FindTemporaries", directory, read: true).Select(o => o.BaseObject?.ToString()).OfType<string>()];

    public IDisposable LockDirectory(string directory, NodeFileInfo like, TimeSpan timeout)
    {
        try
        {
            var token = Text(Run("Lock", directory, read: false, like: like, timeout: timeout))
                ?? throw NodeFileErrors.WriteFailed(directory, new IOException("The node returned no lock."));
            return new RemoteLock(this, token);
        }
        catch (RemoteFileException e) when (e.Reason == nameof(TimeoutException))
        {
            throw NodeFileErrors.Locked($"{Location}:{directory}", timeout, e);
        }
    }

    public override string ToString() => SessionCommand.Describe(Session);

    private (long, IReadOnlySet<long>) ReadIdentity()
    {
        var identity = Run("Identity", string.Empty, read: true).First();
        var groups = LanguagePrimitives.ConvertTo<long[]>(identity.Properties["Groups"].Value);
        return (Convert.ToInt64(identity.Properties["UserId"].Value, System.Globalization.CultureInfo.InvariantCulture), groups.ToHashSet());
    }

    private static string? Text(IReadOnlyList<PSObject> output) => output.LastOrDefault()?.BaseObject?.ToString();

    private IReadOnlyList<PSObject> Run(
        string operation, string path, bool read, byte[]? content = null, NodeFileInfo? like = null, string? likePath = null, string? second = null,
        TimeSpan? timeout = null, string? errorPath = null)
    {
        object?[] arguments =
        [
            operation, path, content, like?.UserId, like?.GroupId, like?.Mode is { } mode ? (int)mode : null, likePath ?? like?.RealPath, second,
            (int)(timeout ?? TimeSpan.Zero).TotalMilliseconds,
        ];
        try
        {
            return SessionCommand.InvokeRaw(Session, Scripts.Get("NodeFiles"), arguments);
        }
        catch (RemoteFileException e) when (operation != "Lock")
        {
            var failure = e.Reason == nameof(UnauthorizedAccessException) ? new UnauthorizedAccessException(e.Message, e) : (Exception)new IOException(e.Message, e);
            throw read ? NodeFileErrors.ReadFailed($"{Location}:{errorPath ?? path}", failure) : NodeFileErrors.WriteFailed($"{Location}:{errorPath ?? path}", failure);
        }
    }

    /// <summary>Releases the lock on the node; a session that broke has released it already (its process ended).</summary>
    private sealed class RemoteLock(SessionNodeFiles files, string token) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (_released)
            {
                return;
            }

            _released = true;
            try
            {
                files.Run("Unlock", token, read: false);
            }
            catch (EckRemoteClusterException)
            {
            }
        }
    }
}

/// <summary>A script failed on the node; <see cref="Reason"/> is the .NET exception type there (UnauthorizedAccessException…).</summary>
internal sealed class RemoteFileException(string message, string reason, Exception? inner) : Exception(message, inner)
{
    public string Reason { get; } = reason;
}
