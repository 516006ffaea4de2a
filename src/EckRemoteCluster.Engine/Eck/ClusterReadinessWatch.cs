using System.Net;
using System.Text.Json;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Autorest;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// Waits for an ECK cluster to be Ready with its latest spec reconciled, through a watch on the one resource (not
/// polling). A watch the server or the network cuts resumes from the last resourceVersion seen; when that version is
/// too old (410 Gone) it starts again from a fresh read, as client-go's reflector does.
/// </summary>
internal sealed class ClusterReadinessWatch(ClusterReader reader)
{
    /// <summary>Consecutive failed watch attempts without a single event before giving up.</summary>
    private const int MaxFailedAttempts = 5;

    public async Task<EckCluster> WaitAsync(EckCluster cluster, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = reader.Session(cluster);
        var activity = $"Waiting for ECK cluster {cluster}";
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var latest = cluster;
        try
        {
            var resource = await ElasticsearchResources.GetAsync(session, cluster.Namespace, cluster.Name, linked.Token).ConfigureAwait(false);
            var expectedNodes = resource.ExpectedNodes;
            latest = Observe(resource, session, expectedNodes, activity, reporter);
            var resourceVersion = resource.Metadata.ResourceVersion;
            var failedAttempts = 0;
            while (!latest.IsReady)
            {
                var (seen, lastVersion, gone, failure) = await WatchOnceAsync(session, cluster, resourceVersion, timeout, linked.Token, resource =>
                {
                    expectedNodes = resource.ExpectedNodes > 0 ? resource.ExpectedNodes : expectedNodes;
                    latest = Observe(resource, session, expectedNodes, activity, reporter);
                    return latest.IsReady;
                }).ConfigureAwait(false);
                resourceVersion = lastVersion ?? resourceVersion;
                if (latest.IsReady)
                {
                    break;
                }

                if (gone)
                {
                    reporter.Debug($"Watch of {cluster} expired at resourceVersion {resourceVersion} (410 Gone): reading it again.");
                    resource = await ElasticsearchResources.GetAsync(session, cluster.Namespace, cluster.Name, linked.Token).ConfigureAwait(false);
                    latest = Observe(resource, session, expectedNodes, activity, reporter);
                    resourceVersion = resource.Metadata.ResourceVersion;
                    failedAttempts = 0;
                    continue;
                }

                failedAttempts = failure is null || seen ? 0 : failedAttempts + 1;
                if (failure is not null)
                {
                    reporter.Debug($"Watch of {cluster} was cut ({failure.Message}); resuming from resourceVersion {resourceVersion}.");
                    if (failedAttempts >= MaxFailedAttempts)
                    {
                        throw KubernetesErrors.Translate(failure, new KubernetesErrors.Operation("watch", EckNames.ElasticsearchPlural, cluster.Namespace, cluster.Name, session))
                            ?? new EckRemoteClusterException(
                                ErrorIds.KubernetesUnreachable,
                                EckErrorCategory.ConnectionError,
                                $"Watching {cluster} failed {failedAttempts} times in a row: {failure.Message}",
                                "Check the connection to the Kubernetes API and run Wait-EckCluster again.",
                                cluster,
                                failure);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(250 * failedAttempts), linked.Token).ConfigureAwait(false);
                }
            }

            reporter.Verbose($"{latest} is Ready (generation {latest.Generation}, {latest.AvailableNodes} nodes, health {latest.Health}).");
            return latest;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new EckRemoteClusterException(
                ErrorIds.EckClusterWaitTimeout,
                EckErrorCategory.OperationTimeout,
                $"{cluster} was not Ready within {timeout}: phase {latest.Phase ?? "(none)"}, {latest.AvailableNodes} nodes available, health {latest.Health ?? "unknown"}, observed generation {latest.ObservedGeneration} of {latest.Generation}.",
                "A rolling restart of a large cluster takes a while: wait longer (Wait-EckCluster -Timeout), or look at 'kubectl describe elasticsearch " + cluster.Name + " -n " + cluster.Namespace + "' and the operator's log.",
                latest);
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }
    }

    /// <summary>One watch request; returns whether any event arrived, the last resourceVersion, whether it expired, and why it ended early.</summary>
    private static async Task<(bool Seen, string? ResourceVersion, bool Gone, Exception? Failure)> WatchOnceAsync(
        KubernetesSession session, EckCluster cluster, string? resourceVersion, TimeSpan timeout, CancellationToken cancellationToken,
        Func<ElasticsearchResource, bool> onChange)
    {
        var seen = false;
        string? lastVersion = null;
        Exception? streamError = null;
        try
        {
            var events = session.Client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                EckNames.Group, EckNames.Version, cluster.Namespace, EckNames.ElasticsearchPlural,
                allowWatchBookmarks: true,
                fieldSelector: $"metadata.name={cluster.Name}",
                resourceVersion: resourceVersion,
                timeoutSeconds: (int)Math.Clamp(timeout.TotalSeconds, 1, 300),
                onError: e => streamError = e,
                cancellationToken: cancellationToken);
            await foreach (var (type, item) in events.ConfigureAwait(false))
            {
                seen = true;
                var resource = KubernetesJson.Deserialize<ElasticsearchResource>(((JsonElement)item).GetRawText());
                lastVersion = resource.Metadata?.ResourceVersion ?? lastVersion;
                switch (type)
                {
                    case WatchEventType.Bookmark:
                        continue;
                    case WatchEventType.Deleted:
                        throw new EckRemoteClusterException(
                            ErrorIds.EckClusterDeleted,
                            EckErrorCategory.ObjectNotFound,
                            $"{cluster} was deleted while waiting for it.",
                            "Check who deleted it (kubectl get events -n " + cluster.Namespace + ").",
                            cluster);
                    default:
                        if (onChange(resource))
                        {
                            return (seen, lastVersion, false, null);
                        }

                        break;
                }
            }
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Gone)
        {
            return (seen, lastVersion, true, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return (seen, lastVersion, false, ex);
        }

        if (streamError is KubernetesException { Status.Code: 410 })
        {
            return (seen, lastVersion, true, null);
        }

        // A watch the server closes at timeoutSeconds ends without error: the caller simply watches again from lastVersion.
        return (seen, lastVersion, false, streamError);
    }

    private static EckCluster Observe(ElasticsearchResource resource, KubernetesSession session, int expectedNodes, string activity, IOperationReporter reporter)
    {
        var cluster = resource.ToEckCluster(session);
        var nodes = expectedNodes > 0 ? $"{cluster.AvailableNodes}/{expectedNodes}" : cluster.AvailableNodes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reconciled = cluster.ObservedGeneration >= cluster.Generation ? "" : $", reconciling generation {cluster.Generation}";
        reporter.Progress(activity, $"Phase {cluster.Phase ?? "(none)"}, {nodes} nodes available, health {cluster.Health ?? "unknown"}{reconciled}",
            expectedNodes > 0 ? Math.Clamp(cluster.AvailableNodes * 100 / expectedNodes, 0, 100) : -1);
        if (cluster.Phase == "Invalid" && cluster.ObservedGeneration >= cluster.Generation)
        {
            throw new EckRemoteClusterException(
                ErrorIds.EckClusterInvalid,
                EckErrorCategory.InvalidData,
                $"ECK marked {cluster} Invalid: it refuses the cluster's spec, so it will never become Ready.",
                $"See why with 'kubectl describe elasticsearch {cluster.Name} -n {cluster.Namespace}' (events) and fix the spec.",
                cluster);
        }

        return cluster;
    }
}
