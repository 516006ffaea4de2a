namespace Sandbox.Operator;

/// <summary>How fast simulated rolling restarts and load balancer provisioning go.</summary>
public enum RolloutSpeed
{
    /// <summary>For tests: every intermediate state is still written (so watchers see it), with only millisecond pauses.</summary>
    Instant,

    /// <summary>For demos: about three seconds per pod, two seconds to provision a load balancer.</summary>
    Realistic,
}

/// <summary>
/// The current rollout speed, changeable at run time (control API <c>PUT /rollout</c>): a mode, and optionally a custom
/// time per pod restart (a test that wants to act in the middle of a rollout slows it down without the demo's pace).
/// </summary>
public sealed class RolloutPace(RolloutSpeed initial)
{
    /// <summary>The longest custom pod restart accepted: a rollout of a few pods must still end within a test's patience.</summary>
    public static readonly TimeSpan MaxPodRestart = TimeSpan.FromMinutes(5);

    private readonly Lock gate = new();
    private RolloutSpeed speed = initial;
    private TimeSpan? customPodRestart;

    public RolloutSpeed Speed
    {
        get
        {
            lock (gate)
            {
                return speed;
            }
        }

        set => Set(value, null);
    }

    /// <summary>Time between a pod going down and coming back ready.</summary>
    public TimeSpan PodRestart
    {
        get
        {
            lock (gate)
            {
                return customPodRestart ?? (speed == RolloutSpeed.Realistic ? TimeSpan.FromSeconds(3) : TimeSpan.FromMilliseconds(5));
            }
        }
    }

    /// <summary>True when the pod restart time was set explicitly rather than taken from the mode.</summary>
    public bool HasCustomPodRestart
    {
        get
        {
            lock (gate)
            {
                return customPodRestart is not null;
            }
        }
    }

    /// <summary>Time for a cloud provider to hand out a load balancer address.</summary>
    public TimeSpan LoadBalancerProvisioning => Speed == RolloutSpeed.Realistic ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(200);

    /// <summary>Sets the mode and the pod restart time together (null: the mode's own pace).</summary>
    public void Set(RolloutSpeed mode, TimeSpan? podRestart)
    {
        if (podRestart is { } custom && (custom < TimeSpan.Zero || custom > MaxPodRestart))
        {
            throw new ArgumentOutOfRangeException(nameof(podRestart), custom, $"The pod restart time must be between 0 and {MaxPodRestart.TotalSeconds} seconds.");
        }

        lock (gate)
        {
            speed = mode;
            customPodRestart = podRestart;
        }
    }

    /// <summary>Breakpoints in the rolls (control API /rollout/holds): a test holds a pod mid-restart instead of timing it.</summary>
    public RolloutHolds Holds { get; } = new();

    public static bool TryParse(string? text, out RolloutSpeed speed) =>
        Enum.TryParse(text, ignoreCase: true, out speed) && Enum.IsDefined(speed);
}
