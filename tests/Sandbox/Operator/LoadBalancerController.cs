using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// Plays the parts of a cloud provider and kube-proxy for every Service: allocates clusterIP and nodePorts when unset,
/// gives LoadBalancer services status.loadBalancer.ingress[0].ip from a loopback pool after a short delay, and really
/// listens on that address (and on 127.0.0.1:nodePort) forwarding TCP to a pod behind the service. ClusterIP and
/// headless services get no listener: they are unreachable from outside, as in a real cluster. A node port or an
/// ingress address is listened on before it is written to the Service, so whoever reads it can connect.
/// </summary>
public sealed class LoadBalancerController : IAsyncDisposable, IStoreFollower
{
    private readonly IResourceStore store;
    private readonly RolloutPace pace;
    private readonly ServiceAddressAllocator allocator;
    private readonly ServiceBackends backends;
    private readonly Dictionary<string, Dictionary<string, TcpForwarder>> listeners = [];
    private readonly SemaphoreSlim serialize = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> pending = [];
    private readonly Lock pendingGate = new();
    private readonly ChangeCursor cursor = new();
    private readonly Dictionary<string, DateTime> listenNotBefore = [];
    private IDisposable? subscription;

    private static readonly TimeSpan BindRetryInterval = TimeSpan.FromMilliseconds(200);

    public LoadBalancerController(IResourceStore store, IElasticsearchFleet? fleet, RolloutPace pace, int seed)
    {
        this.store = store;
        this.pace = pace;
        allocator = new ServiceAddressAllocator(seed);
        backends = new ServiceBackends(store, fleet);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = store.Subscribe(change =>
        {
            if ((string?)change.Object["kind"] == "Service")
            {
                Schedule(change.Type, change.Object);
            }

            cursor.Saw(change.Object);
        });
        foreach (var service in store.List("Service"))
        {
            Schedule("ADDED", service);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// How long a newly published node port or load balancer address refuses connections (control API PUT
    /// /loadbalancers): zero by default, when an address is listened on before it is written to the Service; otherwise
    /// the address is written first and listened on this much later, as kube-proxy and cloud load balancers lag.
    /// </summary>
    public TimeSpan ListenDelay { get; set; }

    /// <summary>The addresses currently listened on for a service (tests, sandbox.json).</summary>
    public IReadOnlyList<IPEndPoint> ListenersOf(string ns, string name)
    {
        serialize.Wait();
        try
        {
            return listeners.TryGetValue($"{ns}/{name}", out var set) ? set.Values.Select(f => f.Address).ToList() : [];
        }
        finally
        {
            serialize.Release();
        }
    }

    /// <inheritdoc/>
    public Task WaitCaughtUpAsync(long version, CancellationToken cancellationToken) => cursor.WaitAsync(version, cancellationToken);

    /// <summary>Completes when no service change is being handled and no load balancer is being provisioned.</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] running;
            lock (pendingGate)
            {
                pending.RemoveAll(t => t.IsCompleted);
                running = [.. pending];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        await stopping.CancelAsync();
        Task[] waiting;
        lock (pendingGate)
        {
            waiting = [.. pending];
        }

        await Task.WhenAll(waiting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        foreach (var set in listeners.Values)
        {
            foreach (var forwarder in set.Values)
            {
                await forwarder.DisposeAsync();
            }
        }

        listeners.Clear();
        stopping.Dispose();
    }

    private void Schedule(string type, JsonObject service)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        var task = Task.Run(() => HandleAsync(type, service));
        lock (pendingGate)
        {
            pending.RemoveAll(t => t.IsCompleted);
            pending.Add(task);
        }
    }

    private async Task HandleAsync(string type, JsonObject changed)
    {
        var ns = (string?)changed["metadata"]?["namespace"] ?? "default";
        var name = (string)changed["metadata"]!["name"]!;
        try
        {
            await serialize.WaitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var service = type == "DELETED" ? null : store.Get("Service", ns, name);
            if (service is not null && (string?)service["metadata"]?["uid"] != (string?)changed["metadata"]?["uid"] && type != "ADDED")
            {
                // An older event for a service that was since recreated: the newer event follows.
                service = store.Get("Service", ns, name);
            }

            if (service is null)
            {
                await SyncListenersAsync(ns, name, []);
                return;
            }

            // kube-proxy would open the node ports once it sees them; here they are open before anyone can read them.
            var (allocated, isNew) = AllocateSpecAddresses(service);
            var desired = DesiredListeners(allocated);
            if (isNew && ListenDelay > TimeSpan.Zero)
            {
                DelayListening(ns, name, desired);
            }

            await SyncListenersAsync(ns, name, desired);
            if (isNew)
            {
                store.Update(allocated);
            }
        }
        catch (KubernetesStatusException)
        {
            // A concurrent write won; its watch event brings the service back here.
        }
        finally
        {
            serialize.Release();
        }

        if ((string?)changed["spec"]?["type"] == "LoadBalancer" && type != "DELETED")
        {
            await ProvisionLoadBalancerAsync(ns, name);
        }
    }

    /// <summary>What the API server allocates on create: a cluster IP (unless headless) and node ports.</summary>
    private (JsonObject Service, bool Changed) AllocateSpecAddresses(JsonObject service)
    {
        service = (JsonObject)service.DeepClone();
        var spec = service["spec"] as JsonObject ?? [];
        var type = (string?)spec["type"] ?? "ClusterIP";
        var changed = false;
        if (type != "ExternalName" && string.IsNullOrEmpty((string?)spec["clusterIP"]))
        {
            var ip = allocator.NextClusterIp();
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
            changed = true;
        }

        if (type is "NodePort" or "LoadBalancer")
        {
            foreach (var port in (spec["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if (JsonNumbers.Int(port["nodePort"]) is { } existing and > 0)
                {
                    allocator.ReserveNodePort(existing);
                    continue;
                }

                port["nodePort"] = allocator.NextNodePort();
                changed = true;
            }
        }

        return (service, changed);
    }

    private async Task ProvisionLoadBalancerAsync(string ns, string name)
    {
        var current = store.Get("Service", ns, name);
        if (current is null || (string?)current["spec"]?["type"] != "LoadBalancer" || HasIngress(current))
        {
            return;
        }

        try
        {
            await Task.Delay(pace.LoadBalancerProvisioning, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await serialize.WaitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                current = store.Get("Service", ns, name);
                if (current is null || (string?)current["spec"]?["type"] != "LoadBalancer" || HasIngress(current))
                {
                    return;
                }

                var ports = ((current["spec"]?["ports"] as JsonArray) ?? []).OfType<JsonObject>()
                    .Where(p => ((string?)p["protocol"] ?? "TCP") == "TCP")
                    .Select(p => JsonNumbers.Int(p["port"])).OfType<int>().ToList();
                var ip = allocator.NextLoadBalancerIp(ports);
                current["status"] = new JsonObject
                {
                    ["loadBalancer"] = new JsonObject
                    {
                        ["ingress"] = new JsonArray(new JsonObject { ["ip"] = ip.ToString(), ["ipMode"] = "VIP" }),
                    },
                };

                // The load balancer listens before its address is published (unless ListenDelay says otherwise); a lost
                // write leaves a listener that the next event for the service removes.
                var desired = DesiredListeners(current);
                if (ListenDelay > TimeSpan.Zero)
                {
                    DelayListening(ns, name, desired);
                }

                await SyncListenersAsync(ns, name, desired);
                if (ListenDelay == TimeSpan.Zero && desired.Keys.Any(address => !IsListening(ns, name, address)))
                {
                    // Another process took the address between the check and the bind: publish another one.
                    continue;
                }

                try
                {
                    store.UpdateStatus(current);
                    return;
                }
                catch (KubernetesStatusException e) when (e.Code == 409)
                {
                }
            }
        }
        finally
        {
            serialize.Release();
        }
    }

    private bool IsListening(string ns, string name, string address) =>
        listeners.TryGetValue($"{ns}/{name}", out var open) && open.ContainsKey(address);

    private static bool HasIngress(JsonObject service) =>
        (service["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Count > 0;

    /// <summary>"address|service port" → where to listen and which service port that serves.</summary>
    private Dictionary<string, (IPEndPoint Bind, int ServicePort)> DesiredListeners(JsonObject service)
    {
        var result = new Dictionary<string, (IPEndPoint, int)>();
        var spec = service["spec"] as JsonObject ?? [];
        var type = (string?)spec["type"] ?? "ClusterIP";
        if (type is not ("NodePort" or "LoadBalancer"))
        {
            return result;
        }

        var ingressIps = ((service["status"]?["loadBalancer"]?["ingress"] as JsonArray) ?? [])
            .Select(i => (string?)i?["ip"])
            .Where(ip => ip is not null && IPAddress.TryParse(ip, out var parsed) && IPAddress.IsLoopback(parsed))
            .Select(ip => IPAddress.Parse(ip!))
            .ToList();
        foreach (var ip in ingressIps)
        {
            allocator.ReserveLoadBalancerIp(ip.ToString());
        }

        foreach (var port in (spec["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (JsonNumbers.Int(port["port"]) is not { } servicePort || ((string?)port["protocol"] ?? "TCP") != "TCP")
            {
                continue;
            }

            if (JsonNumbers.Int(port["nodePort"]) is { } nodePort and > 0)
            {
                var bind = new IPEndPoint(IPAddress.Loopback, nodePort);
                result[$"{bind}|{servicePort}"] = (bind, servicePort);
            }

            if (type == "LoadBalancer")
            {
                foreach (var ip in ingressIps)
                {
                    var bind = new IPEndPoint(ip, servicePort);
                    result[$"{bind}|{servicePort}"] = (bind, servicePort);
                }
            }
        }

        return result;
    }

    /// <summary>Holds back listening on the addresses not listened on yet, and comes back to the service after the delay.</summary>
    private void DelayListening(string ns, string name, Dictionary<string, (IPEndPoint Bind, int ServicePort)> desired)
    {
        var key = $"{ns}/{name}";
        var due = DateTime.UtcNow + ListenDelay;
        var open = listeners.TryGetValue(key, out var current) ? current : [];
        foreach (var address in desired.Keys.Where(a => !open.ContainsKey(a)))
        {
            listenNotBefore[$"{key}|{address}"] = due;
        }

        RevisitAt(ns, name, due);
    }

    /// <summary>
    /// Handles the service again once <paramref name="due"/> has passed on the same clock that the hold-back is
    /// checked against: a timer may fire a fraction of a millisecond early, and a service revisited before its
    /// address is due would never be listened on.
    /// </summary>
    private void RevisitAt(string ns, string name, DateTime due)
    {
        var later = Task.Run(async () =>
        {
            try
            {
                for (var left = due - DateTime.UtcNow; left > TimeSpan.Zero; left = due - DateTime.UtcNow)
                {
                    await Task.Delay(left + TimeSpan.FromMilliseconds(1), stopping.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (store.Get("Service", ns, name) is { } service)
            {
                Schedule("MODIFIED", service);
            }
        });
        lock (pendingGate)
        {
            pending.Add(later);
        }
    }

    private async Task SyncListenersAsync(string ns, string name, Dictionary<string, (IPEndPoint Bind, int ServicePort)> desired)
    {
        var key = $"{ns}/{name}";
        if (!listeners.TryGetValue(key, out var current))
        {
            current = [];
            listeners[key] = current;
        }

        foreach (var address in current.Keys.Where(a => !desired.ContainsKey(a)).ToList())
        {
            await current[address].DisposeAsync();
            current.Remove(address);
        }

        foreach (var (address, (bind, servicePort)) in desired)
        {
            if (current.ContainsKey(address))
            {
                continue;
            }

            if (listenNotBefore.TryGetValue($"{key}|{address}", out var notBefore))
            {
                if (DateTime.UtcNow < notBefore)
                {
                    continue;
                }

                listenNotBefore.Remove($"{key}|{address}");
            }

            try
            {
                current[address] = new TcpForwarder(bind, () => backends.Pick(ns, name, servicePort));
            }
            catch (SocketException e)
            {
                // As kube-proxy does, keep trying: whoever already read the address from the Service waits for it.
                Console.Error.WriteLine($"load-balancer: cannot listen on {address} for service {key}: {e.Message}; trying again");
                RevisitAt(ns, name, DateTime.UtcNow + BindRetryInterval);
            }
        }

        if (current.Count == 0)
        {
            listeners.Remove(key);
        }
    }
}
