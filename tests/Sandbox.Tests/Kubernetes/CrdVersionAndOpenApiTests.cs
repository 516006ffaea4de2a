using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace Sandbox.Tests.Kubernetes;

/// <summary>ECK 3.3: the CRD has spec.remoteClusterServer.service; OpenAPI v3 publishes it; kubectl explain shows it.</summary>
public sealed class Eck33CrdTests(ApiServerFixture fixture, ITestOutputHelper output) : IClassFixture<ApiServerFixture>
{
    private const string EsPath = "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches";

    [Fact]
    public async Task DiscoveryListsHashedUrlsThatServeImmutableDocuments()
    {
        var (status, root) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/openapi/v3");
        Assert.Equal(200, status);
        var url = (string)root["paths"]!["apis/elasticsearch.k8s.elastic.co/v1"]!["serverRelativeURL"]!;
        Assert.Matches("^/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1\\?hash=[0-9A-F]{128}$", url);
        Assert.NotNull(root["paths"]!["api/v1"]);

        using var response = await fixture.Admin.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(url[(url.IndexOf('=') + 1)..], Convert.ToHexString(SHA512.HashData(body)));
        Assert.Equal("public, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var stale = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = fixture.Api.Uri,
        };
        stale.DefaultRequestHeaders.Authorization = fixture.Admin.DefaultRequestHeaders.Authorization;
        using var redirected = await stale.GetAsync("/openapi/v3/apis/elasticsearch.k8s.elastic.co/v1?hash=0123");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirected.StatusCode);
        Assert.Equal(url, redirected.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheElasticsearchComponentIsTheCrdSchemaWithTypeMetaAndObjectMeta()
    {
        var schema = await ElasticsearchComponentAsync(fixture);
        Assert.Equal("elasticsearch.k8s.elastic.co", (string?)schema["x-kubernetes-group-version-kind"]![0]!["group"]);
        Assert.Equal("Elasticsearch", (string?)schema["x-kubernetes-group-version-kind"]![0]!["kind"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)schema["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        Assert.Equal("string", (string?)schema["properties"]!["apiVersion"]!["type"]);
        var server = schema["properties"]!["spec"]!["properties"]!["remoteClusterServer"]!["properties"]!.AsObject();
        Assert.Equal(["enabled", "service"], server.Select(p => p.Key).Order());
        Assert.Equal("object", (string?)server["service"]!["properties"]!["spec"]!["type"]);
    }

    [Fact]
    public async Task TheServiceTemplateIsStored()
    {
        var (status, created) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, EsPath, Resource("keeps-template"));
        Assert.Equal(201, status);
        Assert.Equal("LoadBalancer", (string?)created["spec"]!["remoteClusterServer"]!["service"]!["spec"]!["type"]);
    }

    [Fact]
    public async Task KubectlExplainShowsTheServiceTemplate()
    {
        if (KubectlRunner.Path is null)
        {
            output.WriteLine("Skipped: kubectl is not on PATH.");
            return;
        }

        var kubectl = new KubectlRunner(fixture, output);
        var explained = await kubectl.RunAsync("explain", "elasticsearch.spec.remoteClusterServer");
        Assert.Contains("GROUP:      elasticsearch.k8s.elastic.co", explained);
        Assert.Contains("FIELD: remoteClusterServer <Object>", explained);
        Assert.Matches(@"(?m)^\s+enabled\s+<boolean>", explained);
        Assert.Matches(@"(?m)^\s+service\s+<Object>", explained);
        Assert.Contains("FIELD: type <string>", await kubectl.RunAsync("explain", "elasticsearch.spec.remoteClusterServer.service.spec.type"));
        Assert.Contains("ObjectMeta", await kubectl.RunAsync("explain", "es.metadata"));
    }

    internal static async Task<JsonObject> ElasticsearchComponentAsync(ApiServerFixture fixture)
    {
        var (_, root) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/openapi/v3");
        var (status, document) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, (string)root["paths"]!["apis/elasticsearch.k8s.elastic.co/v1"]!["serverRelativeURL"]!);
        Assert.Equal(200, status);
        return document["components"]!["schemas"]!["co.elastic.k8s.elasticsearch.v1.Elasticsearch"]!.AsObject();
    }

    internal static string Resource(string name) => """
        {"apiVersion":"elasticsearch.k8s.elastic.co/v1","kind":"Elasticsearch","metadata":{"name":"NAME"},
         "spec":{"version":"9.1.0","nodeSets":[{"name":"default","count":1}],
                 "remoteClusterServer":{"enabled":true,"service":{"spec":{"type":"LoadBalancer"}}}}}
        """.Replace("NAME", name, StringComparison.Ordinal);
}

/// <summary>ECK 3.2: the CRD has no spec.remoteClusterServer.service, so the API server prunes it, as kube-apiserver does.</summary>
public sealed class Eck32CrdTests(Eck32ApiServerFixture fixture, ITestOutputHelper output) : IClassFixture<Eck32ApiServerFixture>
{
    private const string EsPath = "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches";

    [Fact]
    public async Task TheComponentHasNoServiceTemplate()
    {
        var schema = await Eck33CrdTests.ElasticsearchComponentAsync(fixture);
        var server = schema["properties"]!["spec"]!["properties"]!["remoteClusterServer"]!["properties"]!.AsObject();
        Assert.Equal(["enabled"], server.Select(p => p.Key));
    }

    [Fact]
    public async Task TheServiceTemplateIsPrunedWithAWarning()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EsPath) { Content = new StringContent(Eck33CrdTests.Resource("pruned")) };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await fixture.Admin.SendAsync(request);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""{"enabled":true}""", created["spec"]!["remoteClusterServer"]!.ToJsonString());
        Assert.Contains("299 - \"unknown field \\\"spec.remoteClusterServer.service\\\"\"", response.Headers.GetValues("Warning"));
    }

    [Fact]
    public async Task ADryRunPatchShowsThePruning()
    {
        var (status, patched) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, $"{EsPath}/quickstart?dryRun=All",
            """{"spec":{"remoteClusterServer":{"service":{}}}}""", "application/merge-patch+json");
        Assert.Equal(200, status);
        Assert.Null(patched["spec"]!["remoteClusterServer"]?["service"]);
    }

    [Fact]
    public async Task StrictFieldValidationRefusesTheServiceTemplate()
    {
        var (status, body) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, $"{EsPath}?fieldValidation=Strict", Eck33CrdTests.Resource("strict"));
        Assert.Equal(400, status);
        Assert.Equal(
            "Elasticsearch in version \"v1\" cannot be handled as a Elasticsearch: strict decoding error: unknown field \"spec.remoteClusterServer.service\"",
            (string?)body["message"]);
    }

    [Fact]
    public async Task KubectlExplainHasNoServiceField()
    {
        if (KubectlRunner.Path is null)
        {
            output.WriteLine("Skipped: kubectl is not on PATH.");
            return;
        }

        var kubectl = new KubectlRunner(fixture, output);
        var explained = await kubectl.RunAsync("explain", "elasticsearch.spec.remoteClusterServer");
        Assert.Matches(@"(?m)^\s+enabled\s+<boolean>", explained);
        Assert.DoesNotContain("service", explained);
        Assert.Contains("field \"service\" does not exist", await kubectl.RunAsync(expectFailure: true, "explain", "elasticsearch.spec.remoteClusterServer.service"));
    }
}
