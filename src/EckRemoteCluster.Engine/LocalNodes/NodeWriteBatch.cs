using EckRemoteCluster.Contracts;
namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>One file a batch writes: its path on the node (a link is followed), the new bytes, and whether the old file is kept as .bak.</summary>
internal sealed record NodeFileWrite(string Path, byte[] Content, bool KeepBackup = true);

/// <summary>What a batch did to one file: where it wrote (the link's target for a link) and the backup, if one was kept.</summary>
internal sealed record NodeFileWritten(string Path, string RealPath, string? BackupPath, bool Created);

/// <summary>
/// Writes files on several locked nodes all or none, through <see cref="NodeJournal"/>: every owner is checked on
/// every node first (nothing is written when one cannot be kept), then every node is prepared, then committed. A
/// failure while preparing removes what was prepared; a failure while committing puts the committed files back from
/// their backups. A kill at any point is settled by the next run's <see cref="LockedNodes.Open"/>.
/// </summary>
internal static class NodeWriteBatch
{
    private static readonly AsyncLocal<Action<string>?> s_beforeStep = new();

    /// <summary>
    /// Test seam, per async flow: called before each step ("prepare:&lt;config path&gt;", "journal:…", "commit:…",
    /// "done:…"); a test throws <see cref="SimulatedCrashException"/> from it to stop the batch as a kill would.
    /// </summary>
    internal static Action<string>? BeforeStep
    {
        get => s_beforeStep.Value;
        set => s_beforeStep.Value = value;
    }

    public static IReadOnlyDictionary<LockedNode, IReadOnlyList<NodeFileWritten>> Commit(
        IReadOnlyList<(LockedNode Node, IReadOnlyList<NodeFileWrite> Writes)> plan, string operation)
    {
        var work = plan.Where(p => p.Writes.Count > 0).ToList();
        var targets = work.Select(p => (p.Node, Files: p.Writes.Select(w => Resolve(p.Node, w)).ToList())).ToList();

        // Nothing is written anywhere until every file of every node can keep its owner.
        foreach (var (node, files) in targets)
        {
            foreach (var file in files)
            {
                node.Files.EnsureCanKeep(file.Like);
            }
        }

        var result = targets.ToDictionary(
            t => t.Node,
            t => (IReadOnlyList<NodeFileWritten>)t.Files.Select(f => new NodeFileWritten(f.Write.Path, f.RealPath, f.Backup, f.Existing is null)).ToList());
        if (work.Count == 0)
        {
            return result;
        }

        var batch = Guid.NewGuid().ToString("N");
        var nodes = targets.Select(t => new NodeJournal.NodeEntry(t.Node.Files.Location, t.Node.RealConfigPath)).ToList();
        var prepared = new List<(LockedNode Node, List<(Target File, string Temporary)> Files)>();
        try
        {
            foreach (var (node, files) in targets)
            {
                Step("prepare", node);
                var staged = new List<(Target, string)>();
                prepared.Add((node, staged));
                foreach (var file in files)
                {
                    staged.Add((file, node.Files.WriteTemporary(file.RealPath, file.Write.Content, file.Like)));
                }

                Step("journal", node);
                NodeJournal.Write(node, new NodeJournal.Content(
                    batch,
                    operation,
                    DateTimeOffset.UtcNow,
                    nodes,
                    staged.Select(s => new NodeJournal.FileEntry(s.Item1.RealPath, s.Item2, s.Item1.Backup)).ToList()));
            }
        }
        catch (Exception ex) when (ex is not SimulatedCrashException)
        {
            foreach (var (node, files) in prepared)
            {
                Try(() =>
                {
                    files.ForEach(f => node.Files.Delete(f.Temporary));
                    NodeJournal.Delete(node);
                });
            }

            throw;
        }

        var committed = new List<(LockedNode Node, List<(Target File, string Temporary)> Files)>();
        try
        {
            foreach (var (node, files) in prepared)
            {
                Step("commit", node);
                committed.Add((node, files));
                foreach (var (file, temporary) in files)
                {
                    node.Files.Replace(temporary, file.RealPath, file.Backup);
                }

                Step("done", node);
                NodeJournal.Delete(node);
            }
        }
        catch (EckRemoteClusterException ex) when (ex.ErrorId is ErrorIds.SessionLost or ErrorIds.SessionUnavailable)
        {
            // A node lost while committing can be neither finished nor put back by this run, and undoing only the
            // others would leave its journal (every node was journaled) to finish it alone later. So the batch is
            // left as a kill leaves it: the next run over these nodes finds the journals and finishes it everywhere.
            throw new EckRemoteClusterException(
                ex.ErrorId,
                ex.Category,
                $"{ex.Message} The change ('{operation}') was in place on {string.Join(", ", committed.SkipLast(1).Select(c => c.Node.ConfigPath).DefaultIfEmpty("no node"))} "
                + "and is recorded on every node, so that the next run finishes it on all of them.",
                "Open a new session to the node and run the command again with every node: it finishes the interrupted change first.",
                ex.Target,
                ex);
        }
        catch (Exception ex) when (ex is not SimulatedCrashException)
        {
            // Not a crash: this run can still put every node back the way it was.
            foreach (var (node, files) in committed)
            {
                Try(() => Undo(node, files));
            }

            foreach (var (node, files) in prepared.Except(committed))
            {
                Try(() =>
                {
                    files.ForEach(f => node.Files.Delete(f.Temporary));
                    NodeJournal.Delete(node);
                });
            }

            throw;
        }

        return result;
    }

    private static void Undo(LockedNode node, List<(Target File, string Temporary)> files)
    {
        foreach (var (file, temporary) in files)
        {
            if (node.Files.GetInfo(temporary) is not null)
            {
                node.Files.Delete(temporary);
            }
            else if (file.Existing is null)
            {
                node.Files.Delete(file.RealPath);
            }
            else if (file.Backup is not null)
            {
                var restored = node.Files.WriteTemporary(file.RealPath, node.Files.ReadAllBytes(file.Backup), file.Existing);
                node.Files.Replace(restored, file.RealPath, backupPath: null);
            }
        }

        NodeJournal.Delete(node);
    }

    private static Target Resolve(LockedNode node, NodeFileWrite write)
    {
        var existing = node.Files.GetInfo(write.Path);
        var real = existing?.RealPath ?? write.Path;
        var backup = existing is not null && write.KeepBackup ? real + NodeFileNames.BackupSuffix : null;
        return new Target(write, existing, real, backup, existing ?? node.Yml with { Path = write.Path });
    }

    private static void Step(string step, LockedNode node)
    {
        var name = $"{step}:{node.ConfigPath}";
        BeforeStep?.Invoke(name);
        PauseForKillTest(step, node);
    }

    /// <summary>
    /// Fault-test seam for whole processes (a kill -9 cannot be simulated in-process): when
    /// ECKREMOTECLUSTER_TEST_PAUSE_BEFORE names this step ("commit") and ECKREMOTECLUSTER_TEST_PAUSE_NODE is empty or
    /// ends this node's config path, the run writes ECKREMOTECLUSTER_TEST_PAUSE_MARKER and waits there to be killed (or
    /// until the file ECKREMOTECLUSTER_TEST_PAUSE_RESUME names exists).
    /// </summary>
    private static void PauseForKillTest(string step, LockedNode node)
    {
        if (Environment.GetEnvironmentVariable("ECKREMOTECLUSTER_TEST_PAUSE_BEFORE") != step
            || Environment.GetEnvironmentVariable("ECKREMOTECLUSTER_TEST_PAUSE_MARKER") is not { Length: > 0 } marker)
        {
            return;
        }

        var onNode = Environment.GetEnvironmentVariable("ECKREMOTECLUSTER_TEST_PAUSE_NODE");
        if (!string.IsNullOrEmpty(onNode) && !node.ConfigPath.TrimEnd('/', '\\').EndsWith(onNode, StringComparison.Ordinal))
        {
            return;
        }

        File.WriteAllText(marker, step);
        // With ECKREMOTECLUSTER_TEST_PAUSE_RESUME the run goes on once that file exists (a session can be broken
        // meanwhile); without it, it waits to be killed.
        var resume = Environment.GetEnvironmentVariable("ECKREMOTECLUSTER_TEST_PAUSE_RESUME");
        if (string.IsNullOrEmpty(resume))
        {
            Thread.Sleep(Timeout.Infinite);
        }

        while (!File.Exists(resume))
        {
            Thread.Sleep(50);
        }
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EckRemoteClusterException)
        {
            // The journal stays where this could not clean up; the next run settles it.
        }
    }

    private sealed record Target(NodeFileWrite Write, NodeFileInfo? Existing, string RealPath, string? Backup, NodeFileInfo Like);
}

/// <summary>Thrown by tests from <see cref="NodeWriteBatch.BeforeStep"/> to stop a batch the way a kill would: no clean-up runs.</summary>
internal sealed class SimulatedCrashException(string step) : Exception($"Simulated crash before {step}.");
