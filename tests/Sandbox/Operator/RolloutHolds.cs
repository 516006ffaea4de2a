using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>The points of a pod's restart in a rolling restart where a test can hold the operator.</summary>
public enum RolloutStep
{
    /// <summary>Before ECK deletes the outdated pod: it is still Ready and its node serves (a request sent to it now is
    /// cut when the pod goes).</summary>
    PodDeletion,

    /// <summary>After the pod was recreated and its node restarted, before the pod turns Ready: the pod is not a Service
    /// endpoint yet (a one-node cluster has no Ready pod at all).</summary>
    PodReady,
}

/// <summary>
/// Breakpoints in the operator's rolling restarts (control API <c>/rollout/holds</c>): a test arms a hold at a step
/// for a cluster (or one pod), waits until a roll is paused there, acts (sends a request the restart will cut, opens a
/// connection while no pod is Ready), then releases it. Deterministic where a slowed-down pace and a sleep would race.
/// </summary>
public sealed class RolloutHolds
{
    private readonly Lock gate = new();
    private readonly List<Hold> armed = [];
    private readonly List<Paused> paused = [];
    private TaskCompletionSource changed = NewSignal();

    /// <summary>Holds every roll that reaches <paramref name="step"/> for a matching cluster and pod (null matches any).</summary>
    public void Arm(string? @namespace, string? name, string? pod, RolloutStep step)
    {
        lock (gate)
        {
            armed.Add(new Hold(@namespace, name, pod, step));
        }
    }

    /// <summary>Called by the operator at <paramref name="step"/>: returns at once unless a hold matches, else when released.</summary>
    public async Task PauseIfHeldAsync(string @namespace, string name, string pod, RolloutStep step, CancellationToken cancellationToken)
    {
        Paused here;
        lock (gate)
        {
            if (!armed.Any(h => h.Matches(@namespace, name, pod, step)))
            {
                return;
            }

            here = new Paused(@namespace, name, pod, step, DateTimeOffset.UtcNow, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            paused.Add(here);
            SignalLocked();
        }

        try
        {
            await here.Release.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (gate)
            {
                paused.Remove(here);
                SignalLocked();
            }
        }
    }

    /// <summary>The first roll paused at a matching hold, as soon as there is one.</summary>
    public async Task<Paused> WaitPausedAsync(string? @namespace, string? name, RolloutStep? step, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                var match = paused.FirstOrDefault(p => (@namespace is null || p.Namespace == @namespace) && (name is null || p.Name == name)
                    && (step is null || p.Step == step));
                if (match is not null)
                {
                    return match;
                }

                next = changed.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Disarms every hold and lets every paused roll go on; returns how many were paused.</summary>
    public int ReleaseAll()
    {
        List<Paused> released;
        lock (gate)
        {
            armed.Clear();
            released = [.. paused];
            SignalLocked();
        }

        foreach (var p in released)
        {
            p.Release.TrySetResult();
        }

        return released.Count;
    }

    public JsonObject Describe()
    {
        lock (gate)
        {
            return new JsonObject
            {
                ["armed"] = new JsonArray([.. armed.Select(h => (JsonNode)new JsonObject
                {
                    ["namespace"] = h.Namespace,
                    ["name"] = h.Name,
                    ["pod"] = h.Pod,
                    ["at"] = StepName(h.Step),
                })]),
                ["paused"] = new JsonArray([.. paused.Select(p => (JsonNode)p.ToJson())]),
            };
        }
    }

    public static string StepName(RolloutStep step) => step == RolloutStep.PodDeletion ? "podDeletion" : "podReady";

    public static bool TryParseStep(string? text, out RolloutStep step)
    {
        step = RolloutStep.PodDeletion;
        switch (text)
        {
            case "podDeletion":
                return true;
            case "podReady":
                step = RolloutStep.PodReady;
                return true;
            default:
                return false;
        }
    }

    private void SignalLocked()
    {
        changed.TrySetResult();
        changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Hold(string? Namespace, string? Name, string? Pod, RolloutStep Step)
    {
        public bool Matches(string ns, string name, string pod, RolloutStep step) =>
            Step == step && (Namespace is null || Namespace == ns) && (Name is null || Name == name) && (Pod is null || Pod == pod);
    }

    /// <summary>A roll held at <see cref="Step"/> for <see cref="Pod"/> since <see cref="Since"/>.</summary>
    public sealed record Paused(string Namespace, string Name, string Pod, RolloutStep Step, DateTimeOffset Since, TaskCompletionSource Release)
    {
        public JsonObject ToJson() => new()
        {
            ["namespace"] = Namespace,
            ["name"] = Name,
            ["pod"] = Pod,
            ["at"] = StepName(Step),
            ["since"] = Since.ToString("O"),
        };
    }
}
