using System.Globalization;
using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// A controller that follows the store's change stream on a background thread (the ECK operator, the load balancer
/// controller). Tests and the control API use it to wait until a change has been acted on instead of waiting for time.
/// </summary>
public interface IStoreFollower
{
    /// <summary>Completes once the controller has been handed every change up to <paramref name="version"/>.</summary>
    Task WaitCaughtUpAsync(long version, CancellationToken cancellationToken);

    /// <summary>Completes when no work the controller queued is running or waiting.</summary>
    Task WaitIdleAsync(CancellationToken cancellationToken);
}

/// <summary>How far a subscriber has read the change stream: the resourceVersion of the last event it was handed.</summary>
public sealed class ChangeCursor
{
    private readonly Lock gate = new();
    private readonly List<(long Version, TaskCompletionSource Reached)> waiters = [];
    private long seen;

    /// <summary>Call first thing in the subscription handler, with the event's object.</summary>
    public void Saw(JsonObject obj)
    {
        if (!long.TryParse((string?)obj["metadata"]?["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return;
        }

        List<TaskCompletionSource> reached;
        lock (gate)
        {
            if (version <= seen)
            {
                return;
            }

            seen = version;
            reached = waiters.Where(w => w.Version <= version).Select(w => w.Reached).ToList();
            waiters.RemoveAll(w => w.Version <= version);
        }

        foreach (var waiter in reached)
        {
            waiter.TrySetResult();
        }
    }

    public Task WaitAsync(long version, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (version <= seen)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((version, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>Waits until the controllers have acted on every change in the store, including the changes they made.</summary>
public static class Settling
{
    /// <summary>
    /// Returns the store version at which every follower had caught up and was idle, with nothing written since: a
    /// spec change made before the call has been reconciled (pods rolled, services listening, status written).
    /// </summary>
    public static async Task<long> SettleAsync(IResourceStore store, IReadOnlyList<IStoreFollower> followers, CancellationToken cancellationToken)
    {
        while (true)
        {
            var version = store.CurrentVersion;
            foreach (var follower in followers)
            {
                await follower.WaitCaughtUpAsync(version, cancellationToken);
            }

            foreach (var follower in followers)
            {
                await follower.WaitIdleAsync(cancellationToken);
            }

            if (store.CurrentVersion == version)
            {
                return version;
            }
        }
    }
}
