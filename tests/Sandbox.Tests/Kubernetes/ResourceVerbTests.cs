using System.Text.Json.Nodes;

namespace Sandbox.Tests.Kubernetes;

/// <summary>get/list/create/update/delete with kube-apiserver's codes and Status messages.</summary>
public sealed class ResourceVerbTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task CreateAnswers201ThenAlreadyExists()
    {
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1"}}""";
        var (created, obj) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, ConfigMaps, body);
        Assert.Equal(201, created);
        Assert.False(string.IsNullOrEmpty((string?)obj["metadata"]!["uid"]));
        Assert.Null(obj["metadata"]!["managedFields"]);
        var (again, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, ConfigMaps, body);
        Assert.Equal(409, again);
        Assert.Equal("AlreadyExists", (string?)status["reason"]);
        Assert.Equal("configmaps \"dup\" already exists", (string?)status["message"]);
    }

    [Fact]
    public async Task GetOfMissingElasticsearchAnswersNotFoundWithGroupResource()
    {
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/nope");
        Assert.Equal(404, code);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("elasticsearches.elasticsearch.k8s.elastic.co \"nope\" not found", (string?)status["message"]);
        Assert.Equal("elasticsearch.k8s.elastic.co", (string?)status["details"]!["group"]);
    }

    [Fact]
    public async Task UpdateWithStaleResourceVersionConflicts()
    {
        var (_, created) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, ConfigMaps, """{"metadata":{"name":"stale"},"data":{"a":"1"}}""");
        var first = (JsonObject)created.DeepClone();
        first["data"]!["a"] = "2";
        var (ok, updated) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Put, $"{ConfigMaps}/stale", first.ToJsonString());
        Assert.Equal(200, ok);
        Assert.True(long.Parse((string)updated["metadata"]!["resourceVersion"]!) > long.Parse((string)created["metadata"]!["resourceVersion"]!));
        created["data"]!["a"] = "3";
        var (conflict, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Put, $"{ConfigMaps}/stale", created.ToJsonString());
        Assert.Equal(409, conflict);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal("Operation cannot be fulfilled on configmaps \"stale\": the object has been modified; please apply your changes to the latest version and try again", (string?)status["message"]);
    }

    [Fact]
    public async Task DeleteAnswersSuccessStatusThenNotFound()
    {
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, ConfigMaps, """{"metadata":{"name":"gone"}}""");
        var (deleted, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Delete, $"{ConfigMaps}/gone");
        Assert.Equal(200, deleted);
        Assert.Equal("Success", (string?)status["status"]);
        var (missing, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Delete, $"{ConfigMaps}/gone");
        Assert.Equal(404, missing);
    }

    [Theory]
    [InlineData("tier=web", "web1")]
    [InlineData("tier!=web", "db1,plain")]
    [InlineData("tier in (web,db)", "db1,web1")]
    [InlineData("tier notin (web)", "db1,plain")]
    [InlineData("tier", "db1,web1")]
    [InlineData("!tier", "plain")]
    public async Task ListFiltersByLabelSelector(string selector, string expected)
    {
        foreach (var (name, labels) in new[] { ("web1", """{"tier":"web"}"""), ("db1", """{"tier":"db"}"""), ("plain", "{}") })
        {
            await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/kube-public/configmaps", $"{{\"metadata\":{{\"name\":\"{name}\",\"labels\":{labels}}}}}");
        }

        var (code, list) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"/api/v1/namespaces/kube-public/configmaps?labelSelector={Uri.EscapeDataString(selector)}");
        Assert.Equal(200, code);
        Assert.Equal("ConfigMapList", (string?)list["kind"]);
        // Only the objects made here: the namespace also holds kube-root-ca.crt (no labels), as on a real cluster.
        var names = list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Where(n => n is "web1" or "db1" or "plain").Order();
        Assert.Equal(expected, string.Join(",", names));
    }

    [Fact]
    public async Task ListAcrossNamespacesFiltersByFieldSelector()
    {
        var (_, list) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, "/api/v1/secrets?fieldSelector=metadata.name%3Dquickstart-es-elastic-user");
        var item = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("elastic", (string?)item!["metadata"]!["namespace"]);
    }

    [Fact]
    public async Task TableResponsesCarryElasticsearchPrinterColumns()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using var response = await fixture.Admin.SendAsync(request);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("Name,health,nodes,version,phase,age", string.Join(",", table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!)));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("quickstart", (string?)cells[0]);
        Assert.Equal("Ready", (string?)cells[4]);
    }

    [Fact]
    public async Task TokensDecideUnauthorizedAndForbidden()
    {
        var (unauthorized, status) = await ApiServerFixture.SendAsync(fixture.Anonymous, HttpMethod.Get, "/api/v1/namespaces");
        Assert.Equal(401, unauthorized);
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        var (read, _) = await ApiServerFixture.SendAsync(fixture.ReadOnly, HttpMethod.Get, "/api/v1/namespaces/elastic/secrets");
        Assert.Equal(200, read);
        var (forbidden, denied) = await ApiServerFixture.SendAsync(fixture.ReadOnly, HttpMethod.Patch, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches/quickstart", "{}", "application/merge-patch+json");
        Assert.Equal(403, forbidden);
        Assert.Equal(
            "elasticsearches.elasticsearch.k8s.elastic.co \"quickstart\" is forbidden: User \"sandbox-readonly\" cannot patch resource \"elasticsearches\" in API group \"elasticsearch.k8s.elastic.co\" in the namespace \"elastic\"",
            (string?)denied["message"]);
    }
}
