using System.Runtime.InteropServices;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// The few libc calls .NET does not expose: a file's owner and group (statx, whose struct has one layout on every
/// Linux architecture), changing them on an open descriptor (fchown), and who this process is (geteuid, getegid,
/// getgroups). Linux only; elsewhere owners are unknown (null) and left to the platform.
/// </summary>
internal static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int StatxUid = 0x8;
    private const int StatxGid = 0x10;
    private const int StatxBufferSize = 256;
    private const int UidOffset = 20;
    private const int GidOffset = 24;

    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Owner and group of the file at <paramref name="path"/>, links followed; null when unsupported.</summary>
    public static (long Uid, long Gid)? Owner(string path)
    {
        if (!Supported)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        if (Statx(AtFdCwd, path, 0, StatxUid | StatxGid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not read the owner of '{path}' (errno {errno}).", errno);
        }

        return (BitConverter.ToUInt32(buffer[UidOffset..]), BitConverter.ToUInt32(buffer[GidOffset..]));
    }

    public static void ChangeOwner(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long uid, long gid)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (FChown((int)handle.DangerousGetHandle(), (uint)uid, (uint)gid) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new UnauthorizedAccessException($"Could not give the new file the owner {uid}:{gid} (errno {errno}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public static long EffectiveUserId => Supported ? GetEuid() : -1;

    /// <summary>The effective group and the supplementary groups of this process.</summary>
    public static IReadOnlySet<long> Groups()
    {
        var groups = new HashSet<long>();
        if (!Supported)
        {
            return groups;
        }

        groups.Add(GetEgid());
        int count = GetGroups(0, null);
        if (count > 0)
        {
            var list = new uint[count];
            count = GetGroups(count, list);
            foreach (var gid in list.Take(Math.Max(count, 0)))
            {
                groups.Add(gid);
            }
        }

        return groups;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FChown(int fd, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEgid();

    [LibraryImport("libc", EntryPoint = "getgroups", SetLastError = true)]
    private static partial int GetGroups(int size, [Out] uint[]? list);
}
