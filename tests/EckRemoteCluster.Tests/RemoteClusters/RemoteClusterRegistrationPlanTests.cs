using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.RemoteClusters;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// Registering an alias in proxy mode over a sniff registration: Elasticsearch validates every sniff-only key that is
/// still set against the new mode (RemoteClusterSettings' StrategyValidator), so the plan must remove them all.
/// </summary>
public sealed class RemoteClusterRegistrationPlanTests
{
    [Fact]
    public async Task SwitchingToProxyRemovesEverySniffOnlySettingIncludingTheUndocumentedProxy()
    {
        var client = new SettingsClient(new JsonObject
        {
            ["persistent"] = new JsonObject
            {
                ["cluster.remote.dc1.seeds"] = new JsonArray("10.0.0.1:9300"),
                ["cluster.remote.dc1.node_connections"] = "3",
                ["cluster.remote.dc1.proxy"] = "gateway:9300",
                ["cluster.remote.dc1.skip_unavailable"] = "true",
            },
            ["transient"] = new JsonObject(),
        });

        var change = await new RemoteClusterService().PlanRegistrationAsync(
            client, new RemoteClusterRegistration("dc1", "10.0.0.9:9443", null, null, null), CancellationToken.None);

        Assert.Equal("proxy", change.Persistent["cluster.remote.dc1.mode"]);
        Assert.Equal("10.0.0.9:9443", change.Persistent["cluster.remote.dc1.proxy_address"]);
        foreach (var sniffOnly in new[] { "seeds", "node_connections", "proxy" })
        {
            Assert.True(change.Persistent.TryGetValue($"cluster.remote.dc1.{sniffOnly}", out var value), sniffOnly);
            Assert.Null(value);
        }

        Assert.False(change.Persistent.ContainsKey("cluster.remote.dc1.skip_unavailable"));
    }

    private sealed class SettingsClient(JsonObject settings) : IElasticsearchClient
    {
        public string Description => "https://es:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken) =>
            Task.FromResult(method == "GET" && path.StartsWith("/_cluster/settings", StringComparison.Ordinal)
                ? new ElasticsearchResponse(200, settings.DeepClone())
                : throw new InvalidOperationException($"unexpected {method} {path}"));
    }
}
