using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Tests.Kubernetes;
using EckRemoteCluster.Engine.Kubernetes;

namespace EckRemoteCluster.Tests.Elasticsearch;

/// <summary>
/// Which pods a port-forward may go to (Running, Ready, not being deleted: a Service's ready endpoints), and the wait
/// for one while a rolling restart has none Ready: progress, a timeout ending in EckClusterNoReadyPod, cancellation.
/// </summary>
public sealed class ReadyPodsTests
{
    private static readonly EckCluster Cluster = new("solo", "elastic", "9.1.0", "unknown", "ApplyingChanges", 0, true, null, null, 2, 1, "7");

    [Fact]
    public async Task PicksOnlyRunningReadyPodsThatAreNotBeingDeleted()
    {
        var pods = new ReadyPods(Cluster, _ => Task.FromResult<IReadOnlyList<PodState>>(
        [
            Pod("solo-es-default-0", ready: true, deleting: true),
            Pod("solo-es-default-1", ready: false),
            Pod("solo-es-default-2", ready: true),
            Pod("solo-es-default-3", ready: true, phase: "Pending"),
        ]));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("solo-es-default-2", await pods.PickAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task NoReadyPodIsAnIOExceptionSoTheRequestCountsAsNotSent()
    {
        var pods = new ReadyPods(Cluster, _ => Task.FromResult<IReadOnlyList<PodState>>([Pod("solo-es-default-0", ready: false)]));

        var error = await Assert.ThrowsAsync<NoReadyPodException>(() => pods.PickAsync(CancellationToken.None));

        Assert.IsAssignableFrom<IOException>(error);
        Assert.Equal(RequestFailureKind.NotSent, RequestFailures.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "connect", error)));
    }

    [Fact]
    public async Task WaitsWithProgressUntilAPodTurnsReadyAndThePickUsesWhatTheWaitSaw()
    {
        var lists = 0;
        var pods = new ReadyPods(Cluster, _ =>
        {
            var n = Interlocked.Increment(ref lists);
            return Task.FromResult<IReadOnlyList<PodState>>([Pod("solo-es-default-0", ready: n >= 3)]);
        }, pollInterval: TimeSpan.FromMilliseconds(1));
        var reporter = new RecordingReporter();

        await WithReporter(reporter, () => pods.WaitForReadyAsync(CancellationToken.None));
        var picked = await pods.PickAsync(CancellationToken.None);

        Assert.Equal("solo-es-default-0", picked);
        Assert.Equal(3, lists);
        Assert.Equal(2, reporter.ProgressRecords.Count(r => r.StartsWith("Waiting for a Ready pod of", StringComparison.Ordinal) && r.Contains("none Ready yet", StringComparison.Ordinal)));
        Assert.EndsWith(": completed", reporter.ProgressRecords[^1], StringComparison.Ordinal);
        Assert.Contains(reporter.Messages, m => m.StartsWith("VERBOSE: No pod of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReadyPodEndsTheWaitAtOnceWithoutProgress()
    {
        var pods = new ReadyPods(Cluster, _ => Task.FromResult<IReadOnlyList<PodState>>([Pod("solo-es-default-0", ready: true)]));
        var reporter = new RecordingReporter();

        await WithReporter(reporter, () => pods.WaitForReadyAsync(CancellationToken.None));

        Assert.Empty(reporter.ProgressRecords);
    }

    [Fact]
    public async Task NoPodReadyUntilTheTimeoutIsEckClusterNoReadyPodNamingTheCmdlets()
    {
        var pods = new ReadyPods(Cluster, _ => Task.FromResult<IReadOnlyList<PodState>>([Pod("solo-es-default-0", ready: false)]),
            timeout: TimeSpan.FromMilliseconds(50), pollInterval: TimeSpan.FromMilliseconds(5));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => pods.WaitForReadyAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.EckClusterNoReadyPod, error.ErrorId);
        Assert.Contains("Wait-EckCluster", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("Get-EckCluster", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("1 pods found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingTheWaitStopsItAndCompletesTheProgress()
    {
        using var cancel = new CancellationTokenSource();
        var pods = new ReadyPods(Cluster, _ => Task.FromResult<IReadOnlyList<PodState>>([Pod("solo-es-default-0", ready: false)]), pollInterval: TimeSpan.FromMinutes(10));
        var reporter = new RecordingReporter();

        // The list answers at once, so the wait has reported progress and sleeps its (long) interval when it returns here.
        var wait = WithReporter(reporter, () => pods.WaitForReadyAsync(cancel.Token));
        Assert.Single(reporter.ProgressRecords);
        Assert.False(wait.IsCompleted);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.EndsWith(": completed", reporter.ProgressRecords[^1], StringComparison.Ordinal);
    }

    private static async Task WithReporter(IOperationReporter reporter, Func<Task> work)
    {
        var saved = OperationContext.Reporter;
        OperationContext.Reporter = reporter;
        try
        {
            await work();
        }
        finally
        {
            OperationContext.Reporter = saved;
        }
    }

    private static PodState Pod(string name, bool ready, bool deleting = false, string phase = "Running") => new(name, phase, deleting, ready);
}
