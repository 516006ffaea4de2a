using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// Follows one Service through a watch instead of reading it again and again: one watch request (a field selector on
/// the name, bookmarks on) whose first events are the Service as it is now, then each change as the API server commits
/// it. A watch the server ends (timeoutSeconds, a restart) resumes from the last resourceVersion seen; one whose version
/// expired (410 Gone) starts again from the current state, as client-go's reflector and kubectl wait do
/// (kubernetes/kubectl pkg/cmd/wait/condition.go, getObjAndCheckCondition: a list, then a watch from its version).
/// A caller whose role may get but not watch Services (403 on the watch) is followed by reads every
/// <see cref="PollInterval"/> instead, as before this watch existed.
/// </summary>
internal sealed class ServiceWatch : IAsyncDisposable
{
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Consecutive failed watch requests without a single event before giving up.</summary>
    private const int MaxFailedAttempts = 5;

    private readonly KubernetesSession _session;
    private readonly string _namespace;
    private readonly string _name;
    private readonly CancellationTokenSource _stop;
    private readonly object _gate = new();
    private readonly Task _following;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private V1Service? _latest;
    private bool _hasNews;
    private Exception? _failure;

    private ServiceWatch(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken)
    {
        _session = session;
        _namespace = namespaceName;
        _name = name;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _following = Task.Run(() => FollowAsync(_stop.Token));
    }

    /// <summary>Starts following the Service; the first state arrives as soon as the API server answers.</summary>
    public static ServiceWatch Start(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken) =>
        new(session, namespaceName, name, cancellationToken);

    /// <summary>
    /// The Service's latest state if it changed since the last call (null service: it does not exist), else false.
    /// Throws the watch's failure once it has given up.
    /// </summary>
    public bool TakeLatest(out V1Service? service)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            service = _latest;
            var news = _hasNews;
            _hasNews = false;
            return news;
        }
    }

    /// <summary>Completes when the Service changes (or the watch fails), or after <paramref name="atMost"/>.</summary>
    public async Task WaitForChangeAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_hasNews || _failure is not null)
            {
                return;
            }

            changed = _changed.Task;
        }

        if (atMost <= TimeSpan.Zero)
        {
            return;
        }

        await Task.WhenAny(changed, Task.Delay(atMost, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _following.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }

        _stop.Dispose();
    }

    private void Publish(V1Service? service)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _latest = service;
            _hasNews = true;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private void Fail(Exception failure)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _failure = failure;
            changed = _changed;
        }

        changed.TrySetResult();
    }

    private KubernetesErrors.Operation Operation(string verb) => new(verb, "services", _namespace, _name, _session);

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failedAttempts = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            var seen = false;
            Exception? streamError = null;
            Exception? failure = null;
            try
            {
                var events = _session.Client.CoreV1.WatchListNamespacedServiceAsync(
                    _namespace,
                    allowWatchBookmarks: true,
                    fieldSelector: $"metadata.name={_name}",
                    resourceVersion: resourceVersion,
                    timeoutSeconds: 300,
                    onError: e => streamError = e,
                    cancellationToken: cancellationToken);
                await foreach (var (type, service) in events.ConfigureAwait(false))
                {
                    seen = true;
                    resourceVersion = service?.Metadata?.ResourceVersion ?? resourceVersion;
                    switch (type)
                    {
                        case WatchEventType.Bookmark:
                            continue;
                        case WatchEventType.Deleted:
                            Publish(null);
                            break;
                        case WatchEventType.Added or WatchEventType.Modified:
                            Publish(service);
                            break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Gone)
            {
                resourceVersion = null;
                continue;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                await PollAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException ex)
            {
                Fail(KubernetesErrors.Translate(ex, Operation("watch")) ?? (Exception)ex);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                failure = ex;
            }

            if (streamError is KubernetesException { Status.Code: 410 })
            {
                // Too old to resume from: the next watch starts from the Service as it is now.
                resourceVersion = null;
                continue;
            }

            failure ??= streamError;
            failedAttempts = failure is null || seen ? 0 : failedAttempts + 1;
            if (failedAttempts >= MaxFailedAttempts)
            {
                Fail(KubernetesErrors.Translate(failure!, Operation("watch")) ?? failure!);
                return;
            }

            // A watch the server ends at timeoutSeconds resumes at once; a failed one, or one that ended within a
            // second, after a pause, so that a misbehaving server is not asked in a tight loop.
            var pause = failure is not null
                ? TimeSpan.FromMilliseconds(250 * Math.Max(1, failedAttempts))
                : DateTime.UtcNow - started < TimeSpan.FromSeconds(1) ? TimeSpan.FromMilliseconds(250) : TimeSpan.Zero;
            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Without the right to watch: a read every <see cref="PollInterval"/>, each new state published.</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        string? lastVersion = null;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            V1Service? service;
            try
            {
                service = await KubernetesReads.ServiceOrNullAsync(_session, _namespace, _name, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
            }

            var version = service?.Metadata?.ResourceVersion;
            if (first || version != lastVersion)
            {
                Publish(service);
            }

            first = false;
            lastVersion = version;
            try
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
