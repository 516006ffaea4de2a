namespace Sandbox.Operator;

/// <summary>How fast simulated rolling restarts and load balancer provisioning go.</summary>
public enum RolloutSpeed
{
    /// <summary>For tests: every intermediate state is still written (so watchers see it), with only millisecond pauses.</summary>
    Instant,

    /// <summary>For demos: about three seconds per pod, two seconds to provision a load balancer.</summary>
    Realistic,
}

/// <summary>The current rollout speed, changeable at run time (control API <c>PUT /rollout</c>).</summary>
public sealed class RolloutPace(RolloutSpeed initial)
{
    private volatile RolloutSpeed speed = initial;

    public RolloutSpeed Speed
    {
        get => speed;
        set => speed = value;
    }

    /// <summary>Time between a pod going down and coming back ready.</summary>
    public TimeSpan PodRestart => speed == RolloutSpeed.Realistic ? TimeSpan.FromSeconds(3) : TimeSpan.FromMilliseconds(5);

    /// <summary>Time for a cloud provider to hand out a load balancer address.</summary>
    public TimeSpan LoadBalancerProvisioning => speed == RolloutSpeed.Realistic ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(200);

    public static bool TryParse(string? text, out RolloutSpeed speed) =>
        Enum.TryParse(text, ignoreCase: true, out speed) && Enum.IsDefined(speed);
}
