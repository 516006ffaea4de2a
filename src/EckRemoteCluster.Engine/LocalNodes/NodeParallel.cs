using System.Runtime.ExceptionServices;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// Runs one piece of work per node on all nodes at once, and reports back in node order. Nodes reached through the
/// same channel (<see cref="INodeFiles.Channel"/>: one PSSession runs one command at a time) take their turns one
/// after another; every other node has a thread of its own, since the work mostly waits (a remote command, a flush to
/// disk) or is one key derivation. Every node's work runs to its end before this returns, so a caller that cleans up
/// after a failure sees every node in a settled state, never one still being written.
/// </summary>
internal static class NodeParallel
{
    /// <summary>More threads than this add nothing even for remote nodes; the rest queue.</summary>
    private const int MaxConcurrency = 16;

    /// <summary>One node's outcome: its result, or what it threw (rethrown with its stack by <see cref="ThrowFirstFailure"/>).</summary>
    internal readonly record struct Outcome<T>(T? Result, ExceptionDispatchInfo? Failure);

    /// <summary>Runs <paramref name="work"/> for every node; returns one outcome per node, in the nodes' order.</summary>
    public static Outcome<T>[] Run<TNode, T>(IReadOnlyList<TNode> nodes, Func<TNode, INodeFiles> filesOf, Func<TNode, T> work)
    {
        var outcomes = new Outcome<T>[nodes.Count];
        void RunOne(int index)
        {
            try
            {
                outcomes[index] = new Outcome<T>(work(nodes[index]), null);
            }
            catch (Exception ex)
            {
                outcomes[index] = new Outcome<T>(default, ExceptionDispatchInfo.Capture(ex));
            }
        }

        // Each lane is a list of node indexes run in turn: a shared channel's nodes share a lane.
        var lanes = Enumerable.Range(0, nodes.Count)
            .GroupBy(i => filesOf(nodes[i]).Channel ?? (object)i)
            .Select(g => g.ToList())
            .ToList();
        if (lanes.Count <= 1)
        {
            lanes.SelectMany(lane => lane).ToList().ForEach(RunOne);
            return outcomes;
        }

        // Dedicated threads (LongRunning): the work blocks on remote commands and disk flushes, which would starve
        // the thread pool's few threads. The tasks carry this flow's ExecutionContext (AsyncLocal test seams included).
        using var slots = new SemaphoreSlim(Math.Min(MaxConcurrency, lanes.Count));
        var tasks = lanes.Select(lane => Task.Factory.StartNew(
            () =>
            {
                slots.Wait();
                try
                {
                    lane.ForEach(RunOne);
                }
                finally
                {
                    slots.Release();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        Task.WaitAll(tasks);
        return outcomes;
    }

    /// <summary>Runs <paramref name="work"/> for every node and rethrows the first failure in node order once all have ended.</summary>
    public static T[] RunAll<TNode, T>(IReadOnlyList<TNode> nodes, Func<TNode, INodeFiles> filesOf, Func<TNode, T> work)
    {
        var outcomes = Run(nodes, filesOf, work);
        ThrowFirstFailure(outcomes);
        return outcomes.Select(o => o.Result!).ToArray();
    }

    /// <summary>Runs <paramref name="work"/> for every node and rethrows the first failure in node order once all have ended.</summary>
    public static void RunAll<TNode>(IReadOnlyList<TNode> nodes, Func<TNode, INodeFiles> filesOf, Action<TNode> work) =>
        RunAll(nodes, filesOf, node =>
        {
            work(node);
            return true;
        });

    public static void ThrowFirstFailure<T>(IEnumerable<Outcome<T>> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            outcome.Failure?.Throw();
        }
    }
}
