using System.Diagnostics;
using System.Globalization;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// The pods of an ECK cluster a connection may be forwarded to: those Running, not being deleted and Ready, the pods a
/// Kubernetes Service lists as ready endpoints (ECK's HTTP Service sends traffic only there). During a rolling restart
/// none may be Ready for a while (always, for a one-node cluster): <see cref="WaitForReadyAsync"/> waits for one, with
/// progress, until a timeout or cancellation, instead of failing the request at once.
/// </summary>
internal sealed class ReadyPods(
    EckCluster cluster,
    Func<CancellationToken, Task<IReadOnlyList<PodState>>> listPods,
    TimeSpan? timeout = null,
    TimeSpan? pollInterval = null)
{
    /// <summary>How long a request waits for a Ready pod: longer than ECK takes to restart one Elasticsearch pod.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;
    private readonly TimeSpan _pollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
    private int _next;

    // The Ready pods a wait just saw: the next pick uses them instead of listing the pods again.
    private IReadOnlyList<string>? _seen;

    public EckCluster Cluster => cluster;

    /// <summary>
    /// A Ready pod for the next connection, in turn among the Ready ones. Throws <see cref="NoReadyPodException"/> (an
    /// IOException: the connection was not made, so the request is safe to send again) when none is Ready now.
    /// </summary>
    public async Task<string> PickAsync(CancellationToken cancellationToken)
    {
        var ready = Interlocked.Exchange(ref _seen, null);
        if (ready is null)
        {
            (ready, var total) = await ListReadyAsync(cancellationToken).ConfigureAwait(false);
            if (ready.Count == 0)
            {
                throw new NoReadyPodException($"No pod of {cluster} is Ready to forward a connection to ({total} pods found).");
            }
        }

        return ready[(int)((uint)Interlocked.Increment(ref _next) % ready.Count)];
    }

    /// <summary>
    /// Returns once a pod is Ready (at once when one is), reporting progress while none is. After the timeout:
    /// EckClusterNoReadyPod. Cancellation (Ctrl+C) ends the wait with OperationCanceledException.
    /// </summary>
    public async Task WaitForReadyAsync(CancellationToken cancellationToken)
    {
        var activity = $"Waiting for a Ready pod of {cluster}";
        var started = Stopwatch.GetTimestamp();
        var reporter = OperationContext.Reporter;
        var reported = false;
        try
        {
            while (true)
            {
                var (ready, total) = await ListReadyAsync(cancellationToken).ConfigureAwait(false);
                if (ready.Count > 0)
                {
                    Volatile.Write(ref _seen, ready);
                    return;
                }

                var waited = Stopwatch.GetElapsedTime(started);
                if (waited >= _timeout)
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.EckClusterNoReadyPod,
                        EckErrorCategory.ResourceUnavailable,
                        string.Create(CultureInfo.InvariantCulture,
                            $"No pod of {cluster} became Ready within {_timeout.TotalSeconds:0} s ({total} pods found): its rolling restart may be stuck."),
                        "Check the cluster with Get-EckCluster, wait for its rolling restart with Wait-EckCluster, then run the command again; "
                        + $"'kubectl get pods -n {cluster.Namespace} -l {EckNames.ClusterNameLabel}={cluster.Name}' shows why no pod is Ready.",
                        cluster);
                }

                if (!reported)
                {
                    reporter?.Verbose($"No pod of {cluster} is Ready ({total} pods found, a rolling restart?): waiting for one.");
                }

                reporter?.Progress(activity, string.Create(CultureInfo.InvariantCulture,
                    $"{total} pods, none Ready yet ({waited.TotalSeconds:0} s of at most {_timeout.TotalSeconds:0} s)"),
                    (int)Math.Min(99, waited / _timeout * 100));
                reported = true;
                await Task.Delay(_pollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (reported)
            {
                reporter?.CompleteProgress(activity);
            }
        }
    }

    private async Task<(IReadOnlyList<string> Ready, int Total)> ListReadyAsync(CancellationToken cancellationToken)
    {
        var pods = await listPods(cancellationToken).ConfigureAwait(false);
        var ready = pods.Where(IsReady).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        return (ready, pods.Count);
    }

    /// <summary>What makes an endpoint ready in a Service's EndpointSlice: the pod Running, Ready and not terminating.</summary>
    internal static bool IsReady(PodState pod) => pod.Phase == "Running" && !pod.Deleting && pod.ReadyCondition;
}
