using Microsoft.AspNetCore.Routing;

namespace Sandbox.Control;

/// <summary>
/// What the control API exposes, shared with the parts that feed it: the request log, fault injection,
/// and routes other parts register (CA rotation, node restarts, connections) before the control API starts.
/// </summary>
public sealed class ControlPlane
{
    private readonly List<Action<IEndpointRouteBuilder>> routes = [];

    public ControlPlane() => Recorder = new RequestRecorder(Requests, Faults);

    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    /// <summary>Put <see cref="RequestRecorder.Middleware"/> in front of an endpoint to log it and let faults hit it.</summary>
    public RequestRecorder Recorder { get; }

    /// <summary>Adds control routes, e.g. <c>control.AddRoutes(r => r.MapPost("/ca/rotate", ...))</c>; call before the control API starts.</summary>
    public void AddRoutes(Action<IEndpointRouteBuilder> map)
    {
        lock (routes)
        {
            routes.Add(map);
        }
    }

    internal IReadOnlyList<Action<IEndpointRouteBuilder>> RegisteredRoutes()
    {
        lock (routes)
        {
            return routes.ToList();
        }
    }
}
