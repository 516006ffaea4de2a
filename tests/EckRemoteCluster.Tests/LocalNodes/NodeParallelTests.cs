using EckRemoteCluster.Engine.LocalNodes;
using Xunit;

namespace EckRemoteCluster.Tests.LocalNodes;

/// <summary>Per-node work runs on all nodes at once, except that nodes behind one channel (a PSSession) take turns.</summary>
public sealed class NodeParallelTests
{
    /// <summary>Only the channel matters here; any file operation would be a test error.</summary>
    private sealed class ChannelFiles(object? channel) : NodeFilesStandIn
    {
        public override object? Channel { get; } = channel;
    }

    [Fact]
    public void NodesWithoutASharedChannelRunAtTheSameTime()
    {
        var nodes = Enumerable.Range(0, 4).Select(_ => new ChannelFiles(null)).ToList();
        using var together = new Barrier(nodes.Count);

        // Each node waits until all four are inside: only concurrent runs get past the barrier.
        var met = NodeParallel.RunAll(nodes, n => n, _ => together.SignalAndWait(TimeSpan.FromSeconds(30)));

        Assert.All(met, Assert.True);
    }

    [Fact]
    public void NodesBehindOneChannelTakeTurnsOnOneThreadWhileOthersRunBeside()
    {
        var session = new object();
        var nodes = Enumerable.Range(0, 6).Select(i => new ChannelFiles(i < 4 ? session : null)).ToList();
        var order = new System.Collections.Concurrent.ConcurrentQueue<(int Node, int Thread)>();

        NodeParallel.RunAll(nodes, n => n, n => order.Enqueue((nodes.IndexOf(n), Environment.CurrentManagedThreadId)));

        var behindSession = order.Where(o => o.Node < 4).ToList();
        Assert.Equal([0, 1, 2, 3], behindSession.Select(o => o.Node));
        Assert.Single(behindSession.Select(o => o.Thread).Distinct());
        Assert.Equal(6, order.Count);
    }

    [Fact]
    public void ResultsComeBackInNodeOrderAndTheFirstFailureInThatOrderIsRethrownAfterEveryNodeEnded()
    {
        var nodes = Enumerable.Range(0, 5).Select(_ => new ChannelFiles(null)).ToList();
        var ended = new bool[nodes.Count];
        using var together = new Barrier(nodes.Count);

        var error = Assert.Throws<InvalidOperationException>(() => NodeParallel.RunAll(nodes, n => n, n =>
        {
            var index = nodes.IndexOf(n);
            together.SignalAndWait(TimeSpan.FromSeconds(30));
            ended[index] = true;
            return index is 1 or 3 ? throw new InvalidOperationException($"node {index}") : index;
        }));

        Assert.Equal("node 1", error.Message);
        Assert.All(ended, Assert.True);
        Assert.Equal([0, 1, 2, 3, 4], NodeParallel.Run(nodes, n => n, n => nodes.IndexOf(n)).Select(o => o.Result));
    }
}
