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
    /// "done:…", and "recover:…" before a later run settles a node's journal); a test throws <see cref="SimulatedCrashException"/> from it to stop the batch as a kill would.
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
        var targets = NodeParallel.RunAll(work, p => p.Node.Files, p => (p.Node, Files: p.Writes.Select(w => Resolve(p.Node, w)).ToList())).ToList();

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
        var started = DateTimeOffset.UtcNow;
        var last = targets[^1].Node;

        // Prepare: every node at once stages its files and writes its journal, except that the last node's journal
        // (the commit point: recovery finishes a batch only when it finds that one) is written after every other
        // node is fully prepared.
        var staged = new (Target File, string Temporary)[targets.Count][];
        var prepared = NodeParallel.Run(Enumerable.Range(0, targets.Count).ToList(), i => targets[i].Node.Files, i =>
        {
            var (node, files) = targets[i];
            Step("prepare", node);
            var temporaries = new List<(Target, string)>();
            staged[i] = [];
            foreach (var file in files)
            {
                temporaries.Add((file, node.Files.WriteTemporary(file.RealPath, file.Write.Content, file.Like)));
                staged[i] = [.. temporaries];
            }

            if (node != last)
            {
                Step("journal", node);
                WriteJournal(node, batch, operation, started, nodes, staged[i]);
            }

            return true;
        });
        bool commitPointAttempted = prepared.All(o => o.Failure is null);
        if (commitPointAttempted)
        {
            prepared[^1] = Capture(() =>
            {
                Step("journal", last);
                WriteJournal(last, batch, operation, started, nodes, staged[^1]);
            });
        }

        if (prepared.FirstOrDefault(o => o.Failure is not null).Failure is { } prepareFailure)
        {
            if (commitPointAttempted && prepared[^1].Failure?.SourceException is EckRemoteClusterException { ErrorId: ErrorIds.SessionLost } lostAtCommitPoint)
            {
                // Every other node was prepared and journaled, and the session broke while the last node's journal
                // (the commit point) was being written: the node may have written it and lost only the reply. This run
                // cannot tell, so it must not undo the others (a journal left on the last node would then finish the
                // batch there alone). Left as a kill leaves it, the next run reads the last node and finishes the
                // batch on every node, or undoes it on every node.
                throw new EckRemoteClusterException(
                    lostAtCommitPoint.ErrorId,
                    lostAtCommitPoint.Category,
                    $"{lostAtCommitPoint.Message} It broke while the change ('{operation}') was being recorded on {last.ConfigPath}, the last node, "
                    + "so whether that record was written is not known here. Every node was left prepared, so that the next run finishes the change on all of them or undoes it on all of them.",
                    "Open a new session to the node and run the command again with every node: it settles the interrupted change first.",
                    lostAtCommitPoint.Target,
                    lostAtCommitPoint);
            }

            if (prepareFailure.SourceException is not SimulatedCrashException)
            {
                NodeParallel.Run(Enumerable.Range(0, targets.Count).Where(i => staged[i] is not null).ToList(), i => targets[i].Node.Files, i =>
                {
                    Try(() =>
                    {
                        staged[i].ToList().ForEach(f => targets[i].Node.Files.Delete(f.Temporary));
                        NodeJournal.Delete(targets[i].Node);
                    });
                    return true;
                });
            }

            prepareFailure.Throw();
        }

        // Commit: every node but the last at once, then the last, whose journal goes last: until then a kill is
        // finished forward by the next run, from whatever each node had committed.
        var committed = new bool[targets.Count];
        void CommitNode(int i)
        {
            var node = targets[i].Node;
            Step("commit", node);
            committed[i] = true;
            foreach (var (file, temporary) in staged[i])
            {
                node.Files.Replace(temporary, file.RealPath, file.Backup);
            }

            Step("done", node);
            NodeJournal.Delete(node);
        }

        var commits = NodeParallel.Run(Enumerable.Range(0, targets.Count - 1).ToList(), i => targets[i].Node.Files, i =>
        {
            CommitNode(i);
            return true;
        }).ToList();
        commits.Add(commits.All(o => o.Failure is null) ? Capture(() => CommitNode(targets.Count - 1)) : default);
        if (commits.Select(o => o.Failure?.SourceException).OfType<EckRemoteClusterException>()
            .FirstOrDefault(ex => ex.ErrorId is ErrorIds.SessionLost or ErrorIds.SessionUnavailable) is { } lost)
        {
            // A node lost while committing can be neither finished nor put back by this run, and undoing only the
            // others would leave its journal (every node was journaled) to finish it alone later. So the batch is
            // left as a kill leaves it: the next run over these nodes finds the journals and finishes it everywhere.
            var inPlace = Enumerable.Range(0, targets.Count).Where(i => committed[i] && commits[i].Failure is null).Select(i => targets[i].Node.ConfigPath);
            throw new EckRemoteClusterException(
                lost.ErrorId,
                lost.Category,
                $"{lost.Message} The change ('{operation}') was in place on {string.Join(", ", inPlace.DefaultIfEmpty("no node"))} "
                + "and is recorded on every node, so that the next run finishes it on all of them.",
                "Open a new session to the node and run the command again with every node: it finishes the interrupted change first.",
                lost.Target,
                lost);
        }

        if (commits.FirstOrDefault(o => o.Failure is not null).Failure is { } commitFailure)
        {
            if (commitFailure.SourceException is not SimulatedCrashException)
            {
                // Not a crash: this run can still put every node back the way it was.
                NodeParallel.Run(Enumerable.Range(0, targets.Count).ToList(), i => targets[i].Node.Files, i =>
                {
                    var node = targets[i].Node;
                    Try(committed[i]
                        ? () => Undo(node, [.. staged[i]])
                        : () =>
                        {
                            staged[i].ToList().ForEach(f => node.Files.Delete(f.Temporary));
                            NodeJournal.Delete(node);
                        });
                    return true;
                });
            }

            commitFailure.Throw();
        }

        return result;
    }

    private static void WriteJournal(
        LockedNode node, string batch, string operation, DateTimeOffset started, IReadOnlyList<NodeJournal.NodeEntry> nodes, IEnumerable<(Target File, string Temporary)> staged) =>
        NodeJournal.Write(node, new NodeJournal.Content(
            batch,
            operation,
            started,
            nodes,
            staged.Select(s => new NodeJournal.FileEntry(s.File.RealPath, s.Temporary, s.File.Backup)).ToList()));

    private static NodeParallel.Outcome<bool> Capture(Action action)
    {
        try
        {
            action();
            return new NodeParallel.Outcome<bool>(true, null);
        }
        catch (Exception ex)
        {
            return new NodeParallel.Outcome<bool>(false, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex));
        }
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

    /// <summary>Before a recovery settles one node's journal: the test seam's "recover:&lt;config path&gt;" step.</summary>
    internal static void RecoveryStep(LockedNode node) => BeforeStep?.Invoke($"recover:{node.ConfigPath}");

    private static void Step(string step, LockedNode node)
    {
        var name = $"{step}:{node.ConfigPath}";
        BeforeStep?.Invoke(name);
        PauseForKillTest(step, node);
    }

    /// <summary>
    /// Fault-test seam for whole processes (a kill -9 cannot be simulated in-process): when
    /// ECKREMOTECLUSTER_TEST_PAUSE_BEFORE names this step ("commit") and ECKREMOTECLUSTER_TEST_PAUSE_NODE is empty or
    /// ends this node's config path, the run writes ECKREMOTECLUSTER_TEST_PAUSE_MARKER and waits there to be killed, or
    /// until the file ECKREMOTECLUSTER_TEST_PAUSE_RESUME names exists. It never waits longer than
    /// ECKREMOTECLUSTER_TEST_PAUSE_TIMEOUT seconds (120 by default): a test that neither kills nor resumes the run gets
    /// a failed run instead of a hung one.
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

        var limit = int.TryParse(Environment.GetEnvironmentVariable("ECKREMOTECLUSTER_TEST_PAUSE_TIMEOUT"), out var seconds) && seconds > 0 ? seconds : 120;
        var deadline = DateTime.UtcNow.AddSeconds(limit);
        File.WriteAllText(marker, step);
        var resume = Environment.GetEnvironmentVariable("ECKREMOTECLUSTER_TEST_PAUSE_RESUME");
        while (string.IsNullOrEmpty(resume) || !File.Exists(resume))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Test pause before '{step}' on {node.ConfigPath}: neither killed nor resumed within {limit} s.");
            }

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
