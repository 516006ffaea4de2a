using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.Eck;

/// <summary>The requests the engine sends for enable, publish and unpublish, as a fake API server receives them.</summary>
public sealed class MergePatchBodiesTests
{
    private const string ResourcePath = "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/quickstart";
    private const string ServicesPath = "/api/v1/namespaces/elastic/services";

    private static readonly PublishRequest LoadBalancer = new(
        EckServiceType.LoadBalancer, 19443, new Dictionary<string, string> { ["cloud.example/internal"] = "true" }, ["10.0.0.0/8"]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnableAndDisableSendOnlyTheEnabledFlagAsAMergePatch(bool enabled)
    {
        using var api = new FakeKubernetesApi(r => (200, Resource(enabled, template: null)));
        var eck = new EckService(new KubernetesSessions());

        var updated = await eck.SetRemoteClusterServerAsync(Cluster(api, "3.3.0", !enabled), enabled, new RecordingReporter(), CancellationToken.None);

        var patch = Assert.Single(api.Requests);
        Assert.Equal("PATCH", patch.Method);
        Assert.StartsWith(ResourcePath, patch.Path, StringComparison.Ordinal);
        Assert.Contains("fieldManager=EckRemoteCluster", patch.Path, StringComparison.Ordinal);
        Assert.StartsWith("application/merge-patch+json", patch.ContentType, StringComparison.Ordinal);
        AssertJson("""{"spec":{"remoteClusterServer":{"enabled":""" + (enabled ? "true" : "false") + "}}}", patch.Body);
        Assert.Equal(enabled, updated.RemoteClusterServerEnabled);
    }

    [Fact]
    public async Task PublishOnEck33MergePatchesTheServiceTemplateAndCreatesNoService()
    {
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Method: "GET", Path: ResourcePath } => (200, Resource(true, template: null)),
            { Method: "PATCH" } => (200, Resource(true, template: null)),
            { Method: "GET" } when r.Path.StartsWith(ServicesPath + "/quickstart-es-remote-cluster", StringComparison.Ordinal) => (200, LoadBalancerService("quickstart-es-remote-cluster", 19443)),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });
        var eck = new EckService(new KubernetesSessions());
        var cluster = Cluster(api, "3.3.0", enabled: true);

        var plan = await eck.PlanPublishAsync(cluster, LoadBalancer, new RecordingReporter(), CancellationToken.None);
        var endpoint = await eck.PublishAsync(plan, TimeSpan.FromSeconds(10), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.ServiceTemplate, plan.Mechanism);
        var patch = Assert.Single(api.Requests, r => r.Method == "PATCH");
        Assert.StartsWith("application/merge-patch+json", patch.ContentType, StringComparison.Ordinal);
        AssertJson("""
            {"spec":{"remoteClusterServer":{"service":{
              "metadata":{"labels":{"app.kubernetes.io/managed-by":"EckRemoteCluster"},"annotations":{"cloud.example/internal":"true"}},
              "spec":{"type":"LoadBalancer","ports":[{"name":"rcs","protocol":"TCP","port":19443,"targetPort":9443}],"loadBalancerSourceRanges":["10.0.0.0/8"]}}}}}
            """, patch.Body);
        Assert.DoesNotContain(api.Requests, r => r.Method == "POST");
        Assert.Equal("quickstart-es-remote-cluster", endpoint.ServiceName);
        Assert.Equal("10.1.2.3:19443", endpoint.ProxyAddress);
        Assert.Equal("quickstart-es-remote-cluster.elastic.svc", endpoint.ServerName);
    }

    [Fact]
    public async Task PublishOnEck32CreatesItsOwnLabelledServiceAndLeavesTheResourceAlone()
    {
        var created = false;
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Method: "POST", Path: var p } when p.StartsWith(ServicesPath, StringComparison.Ordinal) => (201, Created(ref created, r.Body)),
            { Method: "GET", Path: var p } when p.StartsWith(ServicesPath + "/quickstart-es-remote-cluster-lb", StringComparison.Ordinal) && created =>
                (200, LoadBalancerService("quickstart-es-remote-cluster-lb", 19443)),
            _ => (404, FakeKubernetesApi.NotFoundStatus("quickstart-es-remote-cluster-lb")),
        });
        var eck = new EckService(new KubernetesSessions());

        var plan = await eck.PlanPublishAsync(Cluster(api, "3.2.0", enabled: true), LoadBalancer, new RecordingReporter(), CancellationToken.None);
        var endpoint = await eck.PublishAsync(plan, TimeSpan.FromSeconds(10), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.OwnService, plan.Mechanism);
        Assert.DoesNotContain(api.Requests, r => r.Path.StartsWith("/apis/", StringComparison.Ordinal) && r.Method != "GET");
        var service = JsonNode.Parse(Assert.Single(api.Requests, r => r.Method == "POST").Body)!;
        Assert.Equal("quickstart-es-remote-cluster-lb", (string?)service["metadata"]!["name"]);
        Assert.Equal("EckRemoteCluster", (string?)service["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        AssertJson("""{"elasticsearch.k8s.elastic.co/cluster-name":"quickstart","common.k8s.elastic.co/type":"elasticsearch"}""", service["spec"]!["selector"]!.ToJsonString());
        Assert.Equal(9443, (int?)service["spec"]!["ports"]![0]!["targetPort"]);
        Assert.Equal(19443, (int?)service["spec"]!["ports"]![0]!["port"]);
        Assert.Equal("quickstart-es-remote-cluster-lb", endpoint.ServiceName);
    }

    [Fact]
    public async Task UnknownEckVersionFallsBackToAnOwnServiceWithAWarning()
    {
        using var api = new FakeKubernetesApi(r => (404, FakeKubernetesApi.NotFoundStatus("quickstart-es-remote-cluster-lb")));
        var reporter = new RecordingReporter();

        var plan = await new EckService(new KubernetesSessions()).PlanPublishAsync(Cluster(api, null, enabled: true), LoadBalancer, reporter, CancellationToken.None);

        Assert.Equal(PublishMechanism.OwnService, plan.Mechanism);
        Assert.Contains(reporter.Messages, m => m.StartsWith("WARNING:", StringComparison.Ordinal) && m.Contains("ECK version is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnpublishOnEck33RemovesOnlyTheTemplateWithANullInTheMergePatch()
    {
        var template = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "EckRemoteCluster" } },
            ["spec"] = new JsonObject { ["type"] = "LoadBalancer" },
        };
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Path: var p } when p.StartsWith(ResourcePath, StringComparison.Ordinal) => (200, Resource(true, template)),
            _ => (404, FakeKubernetesApi.NotFoundStatus("quickstart-es-remote-cluster-lb")),
        });
        var eck = new EckService(new KubernetesSessions());

        var plan = await eck.PlanUnpublishAsync(Cluster(api, "3.3.0", enabled: true), new RecordingReporter(), CancellationToken.None);
        await eck.UnpublishAsync(plan!, new RecordingReporter(), CancellationToken.None);

        var patch = Assert.Single(api.Requests, r => r.Method == "PATCH");
        AssertJson("""{"spec":{"remoteClusterServer":{"service":null}}}""", patch.Body);
        Assert.DoesNotContain(api.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task PublishRefusesATemplateItDidNotWrite()
    {
        var foreign = new JsonObject { ["spec"] = new JsonObject { ["type"] = "NodePort" } };
        using var api = new FakeKubernetesApi(r => (200, Resource(true, foreign)));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new EckService(new KubernetesSessions()).PlanPublishAsync(Cluster(api, "3.3.0", enabled: true), LoadBalancer, new RecordingReporter(), CancellationToken.None));

        Assert.Equal("RemoteClusterServiceTemplateExists", error.ErrorId);
        Assert.DoesNotContain(api.Requests, r => r.Method != "GET");
    }

    private static string Created(ref bool created, string body)
    {
        created = true;
        return body;
    }

    private static EckCluster Cluster(FakeKubernetesApi api, string? eckVersion, bool enabled) =>
        new("quickstart", "elastic", "9.1.0", "green", "Ready", 3, enabled, eckVersion, "fake", api.KubeConfigPath, 2, 2, "10");

    private static string Resource(bool enabled, JsonObject? template)
    {
        var server = new JsonObject { ["enabled"] = enabled };
        if (template is not null)
        {
            server["service"] = template.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "elasticsearch.k8s.elastic.co/v1",
            ["kind"] = "Elasticsearch",
            ["metadata"] = new JsonObject { ["name"] = "quickstart", ["namespace"] = "elastic", ["generation"] = 2, ["resourceVersion"] = "11" },
            ["spec"] = new JsonObject { ["version"] = "9.1.0", ["remoteClusterServer"] = server },
            ["status"] = new JsonObject { ["phase"] = "Ready", ["health"] = "green", ["availableNodes"] = 3, ["observedGeneration"] = 2 },
        }.ToJsonString();
    }

    private static string LoadBalancerService(string name, int port) => $$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{name}}","namespace":"elastic"},
         "spec":{"type":"LoadBalancer","ports":[{"name":"rcs","port":{{port}},"targetPort":9443,"nodePort":31000}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"10.1.2.3"}] } } }
        """;

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {JsonNode.Parse(expected)!.ToJsonString()}\nbut got  {actual}");
}
