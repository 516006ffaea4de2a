using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// How a self-managed node reads its files. With <c>--node-user NAME</c> (Linux, sandbox run as root) it reads them as
/// that user would, the way a package-installed Elasticsearch runs as <c>elasticsearch</c>: every directory on the way
/// must grant that user search (x) and the file read (r), through the owner, group (its primary and supplementary
/// groups) or other bits, or the read fails with Elasticsearch's own failure at start-up,
/// <c>java.nio.file.AccessDeniedException: &lt;path&gt;</c>, and the node does not start. Without the option files are
/// read as the sandbox's own user.
/// </summary>
public static class NodeFileReader
{
    private static (string Name, uint Uid, HashSet<uint> Gids)? s_user;

    /// <summary>Reads every later node file as <paramref name="user"/> (its ids come from <c>id</c>, once).</summary>
    public static void RunAs(string user)
    {
        uint uid = uint.Parse(Id("-u", user), System.Globalization.CultureInfo.InvariantCulture);
        var gids = Id("-G", user).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(g => uint.Parse(g, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        s_user = (user, uid, gids);
    }

    public static string? User => s_user?.Name;

    public static byte[] ReadAllBytes(string path)
    {
        Check(path);
        return File.ReadAllBytes(path);
    }

    public static string ReadAllText(string path)
    {
        Check(path);
        return File.ReadAllText(path);
    }

    private static void Check(string path)
    {
        if (s_user is not { } user || !OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return;
        }

        var real = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        for (var directory = Path.GetDirectoryName(real); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (!Allowed(directory, user, search: true))
            {
                throw Denied(path);
            }
        }

        if (!Allowed(real, user, search: false))
        {
            throw Denied(path);
        }
    }

    private static bool Allowed(string path, (string Name, uint Uid, HashSet<uint> Gids) user, bool search)
    {
        if (user.Uid == 0 || !OperatingSystem.IsLinux())
        {
            return true;
        }

        var (owner, group) = Owner(path);
        var mode = (int)File.GetUnixFileMode(path);
        int bit = search ? 1 : 4;
        int shift = owner == user.Uid ? 6 : user.Gids.Contains(group) ? 3 : 0;
        return (mode >> shift & bit) != 0;
    }

    private static EsException Denied(string path) =>
        new(500, "access_denied_exception", $"java.nio.file.AccessDeniedException: {path}");

    private static (uint Uid, uint Gid) Owner(string path)
    {
        var buffer = new byte[256];
        if (Statx(-100, path, 0, 0x18, buffer) != 0)
        {
            throw new IOException($"statx({path}) failed with errno {Marshal.GetLastPInvokeError()}");
        }

        // struct statx: stx_uid at 20, stx_gid at 24 on every Linux architecture.
        return (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24));
    }

    private static string Id(string flag, string user)
    {
        using var process = Process.Start(new ProcessStartInfo("id", [flag, user]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new ArgumentException($"--node-user: there is no user '{user}' on this machine.");
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
