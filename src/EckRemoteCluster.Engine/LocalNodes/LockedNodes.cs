using EckRemoteCluster.Contracts;
namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>A node whose lock this run holds: its files, its config directory with links resolved, and its elasticsearch.yml.</summary>
internal sealed class LockedNode(NodeDirectory directory, string realConfigPath, NodeFileInfo yml)
{
    public NodeDirectory Directory { get; } = directory;

    public INodeFiles Files => Directory.Files;

    /// <summary>The config path as the caller gave it (what results report).</summary>
    public string ConfigPath => Directory.ConfigPath;

    public string RealConfigPath { get; } = realConfigPath;

    /// <summary>New files (CA files, the journal) get this file's owner, group and mode, as the issue of the module's files asks.</summary>
    public NodeFileInfo Yml { get; } = yml;

    public string Key => Directory.Files.Location + "\0" + RealConfigPath;

    public string PathOf(string name) => Files.Combine(RealConfigPath, name);
}

/// <summary>
/// Every node of one run, locked (in one global order, so two runs never wait on each other in a cycle) before any of
/// their files is read, and held until disposed, after the save. Opening also settles what an interrupted earlier run
/// left: a journaled batch is finished or undone (<see cref="NodeJournal"/>), and the module's stale temporaries are
/// removed. Per-node work stays separate: the locks and the recovery are the only steps that look at all nodes.
/// </summary>
internal sealed class LockedNodes : IDisposable
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(60);

    private readonly List<IDisposable> _locks;

    private LockedNodes(List<LockedNode> nodes, List<IDisposable> locks, IReadOnlyList<string> recovered)
    {
        Nodes = nodes;
        _locks = locks;
        Recovered = recovered;
    }

    /// <summary>In the order the caller gave them, without duplicates (the same real directory twice is one node).</summary>
    public IReadOnlyList<LockedNode> Nodes { get; }

    /// <summary>What settling an interrupted run did, one line per batch, for the cmdlet to report.</summary>
    public IReadOnlyList<string> Recovered { get; }

    public static LockedNodes Open(IReadOnlyList<NodeDirectory> directories, TimeSpan? lockTimeout = null)
    {
        var nodes = new List<LockedNode>();
        foreach (var node in NodeParallel.RunAll(directories, d => d.Files, Resolve))
        {
            if (nodes.All(n => n.Key != node.Key))
            {
                nodes.Add(node);
            }
        }

        var locks = new List<IDisposable>();
        try
        {
            foreach (var node in nodes.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                locks.Add(node.Files.LockDirectory(node.RealConfigPath, node.Yml, lockTimeout ?? DefaultLockTimeout));
            }

            var recovered = NodeJournal.Recover(nodes);
            NodeParallel.RunAll(nodes, n => n.Files, RemoveStaleTemporaries);

            return new LockedNodes(nodes, locks, recovered);
        }
        catch
        {
            locks.ForEach(l => l.Dispose());
            throw;
        }
    }

    public void Dispose() => _locks.ForEach(l => l.Dispose());

    private static LockedNode Resolve(NodeDirectory directory)
    {
        string real;
        try
        {
            real = directory.Files.RealDirectory(directory.ConfigPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw NodeFileErrors.ReadFailed(directory.ConfigPath, ex);
        }

        var yml = directory.Files.GetInfo(directory.Files.Combine(real, NodeConfigService.ElasticsearchYml))
            ?? throw NodeConfigErrors.NotAConfigDirectory(directory.ConfigPath);
        return new LockedNode(directory, real, yml);
    }

    /// <summary>While every node is locked, the module's temporaries are left over from a run that was killed.</summary>
    private static void RemoveStaleTemporaries(LockedNode node)
    {
        var directories = new HashSet<string>(StringComparer.Ordinal) { node.RealConfigPath };
        foreach (var name in new[] { NodeConfigService.ElasticsearchYml, NodeConfigService.KeystoreFile })
        {
            if (node.Files.GetInfo(node.PathOf(name)) is { } info)
            {
                directories.Add(Path.GetDirectoryName(info.RealPath) ?? node.RealConfigPath);
            }
        }

        // Where security auto-configuration keeps transport.p12; FindTemporaries ignores a directory that is not there.
        directories.Add(node.PathOf("certs"));

        foreach (var directory in directories)
        {
            foreach (var temporary in node.Files.FindTemporaries(directory))
            {
                node.Files.Delete(temporary);
            }
        }
    }
}
