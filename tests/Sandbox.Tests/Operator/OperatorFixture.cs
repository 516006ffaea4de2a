using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Sandbox.Operator;
using Xunit;

namespace Sandbox.Tests.Operator;

/// <summary>One operator + load balancer controller over the API server's store and a fake fleet, shared by a test class.</summary>
public sealed class OperatorFixture : IAsyncLifetime
{
    internal ApiServerStore Store { get; }

    internal FakeFleet Fleet { get; } = new();

    internal EckOperator Operator { get; private set; } = null!;

    internal LoadBalancerController LoadBalancers { get; private set; } = null!;

    /// <summary>Every status an Elasticsearch resource went through, as a watcher would have seen it.</summary>
    internal ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> StatusHistory { get; } = new();

    public OperatorFixture()
        : this("3.3.0")
    {
    }

    internal OperatorFixture(string eckVersion)
    {
        EckVersion = eckVersion;
        Store = new ApiServerStore(eckVersion);
    }

    internal string EckVersion { get; }

    public async Task InitializeAsync()
    {
        Store.Subscribe(change =>
        {
            if ((string?)change.Object["kind"] == "Elasticsearch" && change.Object["status"] is JsonObject status)
            {
                var key = $"{change.Object["metadata"]!["namespace"]}/{change.Object["metadata"]!["name"]}";
                StatusHistory.GetOrAdd(key, _ => new ConcurrentQueue<JsonObject>()).Enqueue((JsonObject)status.DeepClone());
            }
        });
        var pace = new RolloutPace(RolloutSpeed.Instant);
        LoadBalancers = new LoadBalancerController(Store, Fleet, pace, seed: 7);
        Operator = new EckOperator(Store, Fleet, new EckOperatorOptions(EckVersion, "9.1.0", 7), pace);
        await LoadBalancers.StartAsync(CancellationToken.None);
        await Operator.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(() => (string?)Store.Get("Elasticsearch", "elastic", "quickstart")?["status"]?["phase"] == "Ready");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"quickstart never became Ready: {Store.Get("Elasticsearch", "elastic", "quickstart")}; events: "
                + string.Join("; ", Store.Events.Select(e => e.Message)) + "; last error: " + Operator.LastError);
        }
    }

    public async Task DisposeAsync()
    {
        await Operator.DisposeAsync();
        await LoadBalancers.DisposeAsync();
        await Fleet.DisposeAsync();
    }

    internal JsonObject CreateCluster(string ns, string name, string version, bool remoteClusterServer, JsonObject? extraSpec = null)
    {
        var spec = new JsonObject
        {
            ["version"] = version,
            ["nodeSets"] = new JsonArray(new JsonObject { ["name"] = "default", ["count"] = 3 }),
            ["remoteClusterServer"] = new JsonObject { ["enabled"] = remoteClusterServer },
        };
        foreach (var (key, value) in extraSpec ?? [])
        {
            spec[key] = value?.DeepClone();
        }

        Store.EnsureNamespace(ns);
        return Store.Create(new JsonObject
        {
            ["apiVersion"] = "elasticsearch.k8s.elastic.co/v1",
            ["kind"] = "Elasticsearch",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        });
    }

    /// <summary>Changes the spec like kubectl patch would (a new generation).</summary>
    internal void PatchSpec(string ns, string name, Action<JsonObject> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var es = Store.Get("Elasticsearch", ns, name)!;
            change(es["spec"]!.AsObject());
            try
            {
                Store.Update(es);
                return;
            }
            catch (Sandbox.Kubernetes.KubernetesStatusException) when (attempt < 10)
            {
            }
        }
    }

    internal async Task<JsonObject> WaitReadyAsync(string ns, string name, long minGeneration = 1)
    {
        JsonObject? es = null;
        await WaitForAsync(() =>
        {
            es = Store.Get("Elasticsearch", ns, name);
            var status = es?["status"];
            return (string?)status?["phase"] == "Ready" && (long?)status?["observedGeneration"] >= minGeneration
                && (long?)status?["observedGeneration"] == (long?)es!["metadata"]!["generation"];
        });
        return es!;
    }

    /// <summary>Completes once the operator and the load balancers have acted on every change made so far.</summary>
    internal Task SettleAsync() => Settling.SettleAsync(Store, [Operator, LoadBalancers], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));

    internal static async Task WaitForAsync(Func<bool> condition, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not reached in time.");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>The same, emulating ECK 3.2 (no spec.remoteClusterServer.service).</summary>
public sealed class Eck32OperatorFixture : IAsyncLifetime
{
    internal OperatorFixture Inner { get; } = new("3.2.0");

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}
