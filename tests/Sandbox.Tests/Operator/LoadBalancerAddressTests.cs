using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Sandbox.Operator;
using Xunit;

namespace Sandbox.Tests.Operator;

/// <summary>
/// Sandboxes started with the same seed (every test run uses the default) run side by side on one machine: each must
/// get load balancer addresses of its own. Sharing one (two listeners on it, the kernel spreading connections over
/// them) sent a remote cluster's connections to another sandbox's pods, with another transport CA.
/// </summary>
public sealed class LoadBalancerAddressTests
{
    [Fact]
    public async Task TwoSandboxesWithTheSameSeedPublishDifferentAddressesEachListenedOnByOneProcessOnly()
    {
        await using var first = await SandboxLoadBalancer.StartAsync();
        await using var second = await SandboxLoadBalancer.StartAsync();

        var firstAddress = await first.ProvisionAsync();
        var secondAddress = await second.ProvisionAsync();

        Assert.NotEqual(firstAddress, secondAddress);
        foreach (var address in new[] { firstAddress, secondAddress })
        {
            // Nothing else may listen where a load balancer does: a plain bind there fails.
            using var probe = new TcpListener(address);
            Assert.Throws<SocketException>(() => probe.Start());
        }
    }

    [Fact]
    public async Task AnAddressSomethingElseListensOnIsNotPublished()
    {
        // The address the seed gives first, taken by another process's listener (here one that allows port sharing, as
        // the previous load balancer did).
        IPEndPoint taken;
        await using (var probe = await SandboxLoadBalancer.StartAsync())
        {
            taken = await probe.ProvisionAsync();
        }

        using var other = new TcpListener(taken);
        other.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        other.Start();
        await using var sandbox = await SandboxLoadBalancer.StartAsync();

        Assert.NotEqual(taken, await sandbox.ProvisionAsync());
    }

    /// <summary>One sandbox's load balancer controller over its own API server store, with a Service of type LoadBalancer.</summary>
    private sealed class SandboxLoadBalancer : IAsyncDisposable
    {
        private readonly ApiServerStore store = new();
        private readonly FakeFleet fleet = new();
        private LoadBalancerController controller = null!;

        public static async Task<SandboxLoadBalancer> StartAsync()
        {
            var sandbox = new SandboxLoadBalancer();
            sandbox.controller = new LoadBalancerController(sandbox.store, sandbox.fleet, new RolloutPace(RolloutSpeed.Instant), seed: 7);
            await sandbox.controller.StartAsync(CancellationToken.None);
            return sandbox;
        }

        public async Task<IPEndPoint> ProvisionAsync()
        {
            store.Create(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = "quickstart-es-remote-cluster", ["namespace"] = "elastic" },
                ["spec"] = new JsonObject
                {
                    ["type"] = "LoadBalancer",
                    ["selector"] = new JsonObject { ["elasticsearch.k8s.elastic.co/cluster-name"] = "quickstart" },
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "rcs", ["port"] = 9443, ["protocol"] = "TCP" }),
                },
            });
            string? ip = null;
            await OperatorFixture.WaitForAsync(() =>
                (ip = (string?)store.Get("Service", "elastic", "quickstart-es-remote-cluster")?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]) is not null);
            var endpoint = new IPEndPoint(IPAddress.Parse(ip!), 9443);
            Assert.Contains(endpoint, controller.ListenersOf("elastic", "quickstart-es-remote-cluster"));
            return endpoint;
        }

        public async ValueTask DisposeAsync()
        {
            await controller.DisposeAsync();
            await fleet.DisposeAsync();
        }
    }
}
