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
        EckInterface.RemoteClusterServer, EckServiceType.LoadBalancer, 19443, new Dictionary<string, string> { ["cloud.example/internal"] = "true" }, ["10.0.0.0/8"]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnableAndDisableSendOnlyTheEnabledFlagAsAMergePatch(bool enabled)
    {
        using var api = new FakeKubernetesApi(r => (200, Resource(enabled, template: null)));
        var eck = new EckService(new KubernetesSessions());

        var updated = await eck.SetRemoteClusterServerAsync(Cluster(api, !enabled), enabled, new RecordingReporter(), CancellationToken.None);

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
        using var api = new FakeKubernetesApi(r => OpenApi(r, service: true) ?? r switch
        {
            { Method: "GET", Path: ResourcePath } => (200, Resource(true, template: null)),
            { Method: "PATCH" } => (200, Resource(true, template: null)),
            _ when FakeKubernetesApi.IsWatchOf(r, ServicesPath, "quickstart-es-remote-cluster") =>
                (200, FakeKubernetesApi.WatchEvents(("ADDED", LoadBalancerService("quickstart-es-remote-cluster", 19443)))),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });
        var eck = new EckService(new KubernetesSessions());
        var cluster = Cluster(api, enabled: true);

        var plan = await eck.PlanPublishAsync(cluster, LoadBalancer, new RecordingReporter(), CancellationToken.None);
        var endpoint = await eck.PublishAsync(plan, TimeSpan.FromSeconds(10), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.ServiceTemplate, plan.Mechanism);
        Assert.Contains("OpenAPI v3 schema of Elasticsearch has spec.remoteClusterServer.service", plan.Description, StringComparison.Ordinal);
        var patch = Assert.Single(api.Requests, r => r.Method == "PATCH");
        Assert.StartsWith("application/merge-patch+json", patch.ContentType, StringComparison.Ordinal);
        AssertJson("""
            {"spec":{"remoteClusterServer":{"service":{
              "metadata":{"labels":{"app.kubernetes.io/managed-by":"EckRemoteCluster"},"annotations":{"cloud.example/internal":"true"}},
              "spec":{"type":"LoadBalancer","ports":[{"name":"rcs","protocol":"TCP","port":19443,"targetPort":9443}],"loadBalancerSourceRanges":["10.0.0.0/8"]}}}}}
            """, patch.Body);
        Assert.DoesNotContain(api.Requests, r => r.Method == "POST");
        Assert.DoesNotContain(api.Requests, r => r.Method == "GET" && r.Path.StartsWith(ResourcePath, StringComparison.Ordinal));
        Assert.Equal("quickstart-es-remote-cluster", endpoint.ServiceName);
        Assert.Equal("10.1.2.3:19443", endpoint.ProxyAddress);
        Assert.Equal("quickstart-es-remote-cluster.elastic.svc", endpoint.ServerName);
    }

    [Fact]
    public async Task PublishOnEck32CreatesItsOwnLabelledServiceAndLeavesTheResourceAlone()
    {
        var created = false;
        using var api = new FakeKubernetesApi(r => OpenApi(r, service: false) ?? r switch
        {
            { Method: "POST", Path: var p } when p.StartsWith(ServicesPath, StringComparison.Ordinal) => (201, Created(ref created, r.Body)),
            _ when FakeKubernetesApi.IsWatchOf(r, ServicesPath, "quickstart-es-remote-cluster-lb") && created =>
                (200, FakeKubernetesApi.WatchEvents(("ADDED", LoadBalancerService("quickstart-es-remote-cluster-lb", 19443)))),
            _ => (404, FakeKubernetesApi.NotFoundStatus("quickstart-es-remote-cluster-lb")),
        });
        var eck = new EckService(new KubernetesSessions());

        var plan = await eck.PlanPublishAsync(Cluster(api, enabled: true), LoadBalancer, new RecordingReporter(), CancellationToken.None);
        var endpoint = await eck.PublishAsync(plan, TimeSpan.FromSeconds(10), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.OwnService, plan.Mechanism);
        Assert.Contains("has no spec.remoteClusterServer.service (ECK before 3.3)", plan.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Path.StartsWith("/apis/", StringComparison.Ordinal) && r.Method != "GET");
        var service = JsonNode.Parse(Assert.Single(api.Requests, r => r.Method == "POST").Body)!;
        Assert.Equal("quickstart-es-remote-cluster-lb", (string?)service["metadata"]!["name"]);
        Assert.Equal("EckRemoteCluster", (string?)service["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        AssertJson("""{"elasticsearch.k8s.elastic.co/cluster-name":"quickstart","common.k8s.elastic.co/type":"elasticsearch"}""", service["spec"]!["selector"]!.ToJsonString());
        Assert.Equal(9443, (int?)service["spec"]!["ports"]![0]!["targetPort"]);
        Assert.Equal(19443, (int?)service["spec"]!["ports"]![0]!["port"]);
        Assert.Equal("quickstart-es-remote-cluster-lb", endpoint.ServiceName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithoutOpenApiADryRunPatchTellsWhetherTheTemplateSurvives(bool kept)
    {
        var expected = kept ? PublishMechanism.ServiceTemplate : PublishMechanism.OwnService;
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Method: "PATCH" } => (200, Resource(true, kept ? new JsonObject() : null)),
            { Method: "GET", Path: ResourcePath } => (200, Resource(true, template: null)),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });
        var reporter = new RecordingReporter();

        var plan = await new EckService(new KubernetesSessions()).PlanPublishAsync(Cluster(api, enabled: true), LoadBalancer, reporter, CancellationToken.None);

        Assert.Equal(expected, plan.Mechanism);
        var dryRun = Assert.Single(api.Requests, r => r.Method == "PATCH");
        Assert.Contains("dryRun=All", dryRun.Path, StringComparison.Ordinal);
        AssertJson("""{"spec":{"remoteClusterServer":{"service":{}}}}""", dryRun.Body);
        Assert.Contains("dry-run patch", plan.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(reporter.Messages, m => m.StartsWith("WARNING:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASchemaWithoutPropertiesIsNoAnswerSoTheDryRunDecides()
    {
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Method: "GET" } when r.Path.StartsWith("/openapi/v3/apis/", StringComparison.Ordinal) => (200, """
                {"components":{"schemas":{"co.elastic.k8s.elasticsearch.v1.Elasticsearch":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
                 "x-kubernetes-group-version-kind":[{"group":"elasticsearch.k8s.elastic.co","kind":"Elasticsearch","version":"v1"}]}}}}
                """),
            { Method: "GET" } when r.Path == "/openapi/v3" => (200, """{"paths":{"apis/elasticsearch.k8s.elastic.co/v1":{"serverRelativeURL":"/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1?hash=1"}}}"""),
            { Method: "PATCH" } => (200, Resource(true, new JsonObject())),
            { Method: "GET", Path: ResourcePath } => (200, Resource(true, template: null)),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });

        var plan = await new EckService(new KubernetesSessions()).PlanPublishAsync(Cluster(api, enabled: true), LoadBalancer, new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.ServiceTemplate, plan.Mechanism);
        Assert.Single(api.Requests, r => r.Method == "PATCH" && r.Path.Contains("dryRun=All", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenNeitherSchemaNorDryRunAnswersTheVersionIsUnknownAndTheOwnServiceIsUsed()
    {
        const string Forbidden = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden","reason":"Forbidden","code":403}""";
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Method: "PATCH" } => (403, Forbidden),
            { Path: "/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1" } => (403, Forbidden),
            _ => (404, FakeKubernetesApi.NotFoundStatus("quickstart-es-remote-cluster-lb")),
        });
        var reporter = new RecordingReporter();

        var plan = await new EckService(new KubernetesSessions()).PlanPublishAsync(Cluster(api, enabled: true), LoadBalancer, reporter, CancellationToken.None);

        Assert.Equal(PublishMechanism.OwnService, plan.Mechanism);
        var warning = Assert.Single(reporter.Messages, m => m.StartsWith("WARNING:", StringComparison.Ordinal));
        Assert.Contains("ECK version is unknown", warning, StringComparison.Ordinal);
        Assert.Contains("GET /openapi/v3/apis/elasticsearch.k8s.elastic.co/v1 answered 403", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStaleControllerVersionAnnotationChangesNothing()
    {
        var stale = JsonNode.Parse(Resource(true, template: null))!;
        stale["metadata"]!["annotations"] = new JsonObject { ["common.k8s.elastic.co/controller-version"] = "1.9.1" };
        using var api = new FakeKubernetesApi(r => OpenApi(r, service: true) ?? r switch
        {
            { Method: "GET", Path: ResourcePath } => (200, stale.ToJsonString()),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });
        var cluster = await new EckService(new KubernetesSessions()).GetClusterAsync(
            new KubernetesTarget(api.KubeConfigPath, null), "elastic", "quickstart", new RecordingReporter(), CancellationToken.None);

        var plan = await new EckService(new KubernetesSessions()).PlanPublishAsync(cluster, LoadBalancer, new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.ServiceTemplate, plan.Mechanism);
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

        var plan = await eck.PlanUnpublishAsync(Cluster(api, enabled: true), EckInterface.RemoteClusterServer, new RecordingReporter(), CancellationToken.None);
        await eck.UnpublishAsync(plan!, new RecordingReporter(), CancellationToken.None);

        var patch = Assert.Single(api.Requests, r => r.Method == "PATCH");
        AssertJson("""{"spec":{"remoteClusterServer":{"service":null}}}""", patch.Body);
        Assert.DoesNotContain(api.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task PublishRefusesATemplateItDidNotWrite()
    {
        var foreign = new JsonObject { ["spec"] = new JsonObject { ["type"] = "NodePort" } };
        using var api = new FakeKubernetesApi(r => OpenApi(r, service: true) ?? (200, Resource(true, foreign)));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new EckService(new KubernetesSessions()).PlanPublishAsync(Cluster(api, enabled: true, foreign), LoadBalancer, new RecordingReporter(), CancellationToken.None));

        Assert.Equal("RemoteClusterServiceTemplateExists", error.ErrorId);
        Assert.DoesNotContain(api.Requests, r => r.Method != "GET");
        Assert.DoesNotContain(api.Requests, r => r.Path.StartsWith(ResourcePath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishTransportMergePatchesSpecTransportServiceAndReturnsATransportEndpoint()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Method: "GET", Path: ResourcePath } => (200, Resource(true, template: null)),
            { Method: "PATCH" } => (200, Resource(true, template: null)),
            _ when FakeKubernetesApi.IsWatchOf(r, ServicesPath, "quickstart-es-transport") =>
                (200, FakeKubernetesApi.WatchEvents(("ADDED", LoadBalancerService("quickstart-es-transport", port, "127.0.0.1")))),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });
        var eck = new EckService(new KubernetesSessions());
        var request = new PublishRequest(EckInterface.Transport, EckServiceType.LoadBalancer, port, new Dictionary<string, string>(), []);

        // Every ECK release renders spec.transport.service: no schema lookup and no Service of the module's own.
        var plan = await eck.PlanPublishAsync(Cluster(api, enabled: false), request, new RecordingReporter(), CancellationToken.None);
        var endpoint = await eck.PublishAsync(plan, TimeSpan.FromSeconds(10), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(PublishMechanism.ServiceTemplate, plan.Mechanism);
        var patch = Assert.Single(api.Requests, r => r.Method == "PATCH");
        AssertJson("""
            {"spec":{"transport":{"service":{
              "metadata":{"labels":{"app.kubernetes.io/managed-by":"EckRemoteCluster"}},
              "spec":{"type":"LoadBalancer","ports":[{"name":"tls-transport","protocol":"TCP","port":PORT,"targetPort":9300}],"loadBalancerSourceRanges":null}}}}}
            """.Replace("PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), patch.Body);
        Assert.DoesNotContain(api.Requests, r => r.Method == "POST");
        Assert.Equal(EckInterface.Transport, endpoint.Interface);
        Assert.Equal("quickstart-es-transport", endpoint.ServiceName);
        Assert.Equal("quickstart-es-transport.elastic.svc", endpoint.ServerName);
        Assert.Equal($"127.0.0.1:{port}", endpoint.ProxyAddress);
    }

    [Fact]
    public async Task UnpublishTransportRemovesOnlyItsTemplateWithANullInTheMergePatch()
    {
        var template = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "EckRemoteCluster" } },
            ["spec"] = new JsonObject { ["type"] = "LoadBalancer" },
        };
        using var api = new FakeKubernetesApi(r => r switch
        {
            { Path: var p } when p.StartsWith(ResourcePath, StringComparison.Ordinal) => (200, Resource(true, null, transportTemplate: template)),
            _ => (404, FakeKubernetesApi.NotFoundStatus("quickstart-es-transport")),
        });
        var eck = new EckService(new KubernetesSessions());

        var plan = await eck.PlanUnpublishAsync(Cluster(api, enabled: true), EckInterface.Transport, new RecordingReporter(), CancellationToken.None);
        await eck.UnpublishAsync(plan!, new RecordingReporter(), CancellationToken.None);

        var patch = Assert.Single(api.Requests, r => r.Method == "PATCH");
        AssertJson("""{"spec":{"transport":{"service":null}}}""", patch.Body);
        Assert.DoesNotContain(api.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task UnpublishTransportLeavesATemplateItDidNotWrite()
    {
        var foreign = new JsonObject { ["spec"] = new JsonObject { ["type"] = "NodePort" } };
        using var api = new FakeKubernetesApi(r => (200, Resource(true, null, transportTemplate: foreign)));
        var reporter = new RecordingReporter();

        var plan = await new EckService(new KubernetesSessions()).PlanUnpublishAsync(Cluster(api, enabled: true), EckInterface.Transport, reporter, CancellationToken.None);

        Assert.Null(plan);
        Assert.Contains(reporter.Messages, m => m.StartsWith("WARNING:", StringComparison.Ordinal) && m.Contains("spec.transport.service", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests, r => r.Method != "GET");
    }

    private static string Created(ref bool created, string body)
    {
        created = true;
        return body;
    }

    /// <summary>The cluster as Get-EckCluster reads it: with the spec.remoteClusterServer.service it has, if any.</summary>
    private static EckCluster Cluster(FakeKubernetesApi api, bool enabled, JsonObject? template = null) =>
        new("quickstart", "elastic", "9.1.0", "green", "Ready", 3, enabled, "fake", api.KubeConfigPath, 2, 2, "10")
        {
            SpecServiceTemplates = template is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["remoteClusterServer"] = template.ToJsonString() },
        };

    /// <summary>
    /// /openapi/v3 and the Elasticsearch group-version document as kube-apiserver builds it from the installed CRD:
    /// with spec.remoteClusterServer.service on ECK 3.3+ (<paramref name="service"/> true), without it before.
    /// </summary>
    internal static (int Status, string Body)? OpenApi(ReceivedRequest request, bool service)
    {
        if (request.Method != "GET")
        {
            return null;
        }

        if (request.Path.Split('?')[0] == "/openapi/v3")
        {
            return (200, """{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=AB"},"apis/elasticsearch.k8s.elastic.co/v1":{"serverRelativeURL":"/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1?hash=CD"}}}""");
        }

        if (request.Path == "/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1")
        {
            var server = new JsonObject { ["enabled"] = new JsonObject { ["type"] = "boolean" } };
            if (service)
            {
                server["service"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["spec"] = new JsonObject { ["type"] = "object" } } };
            }

            var schema = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["spec"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["remoteClusterServer"] = new JsonObject { ["type"] = "object", ["properties"] = server } } },
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = "elasticsearch.k8s.elastic.co", ["kind"] = "Elasticsearch", ["version"] = "v1" }),
            };
            return (200, new JsonObject { ["openapi"] = "3.0.0", ["components"] = new JsonObject { ["schemas"] = new JsonObject { ["co.elastic.k8s.elasticsearch.v1.Elasticsearch"] = schema } } }.ToJsonString());
        }

        return null;
    }

    private static string Resource(bool enabled, JsonObject? template, JsonObject? transportTemplate = null)
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
            ["spec"] = new JsonObject
            {
                ["version"] = "9.1.0",
                ["remoteClusterServer"] = server,
                ["transport"] = transportTemplate is null ? null : new JsonObject { ["service"] = transportTemplate.DeepClone() },
            },
            ["status"] = new JsonObject { ["phase"] = "Ready", ["health"] = "green", ["availableNodes"] = 3, ["observedGeneration"] = 2 },
        }.ToJsonString();
    }

    private static string LoadBalancerService(string name, int port, string ip = "10.1.2.3") => $$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{name}}","namespace":"elastic"},
         "spec":{"type":"LoadBalancer","ports":[{"name":"rcs","port":{{port}},"targetPort":9443,"nodePort":31000}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"{{ip}}"}] } } }
        """;

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {JsonNode.Parse(expected)!.ToJsonString()}\nbut got  {actual}");
}
