using System.Text.Json.Nodes;

namespace Sandbox.Tests.Kubernetes;

/// <summary>Patch types, server-side apply, CRD pruning/validation and generation.</summary>
public sealed class PatchAndValidationTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private const string EsPath = "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches";

    [Fact]
    public async Task MergeAndJsonPatchChangeConfigMapData()
    {
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"p"},"data":{"a":"1","b":"2"}}""");
        var (_, merged) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/p", """{"data":{"a":null,"c":"3"}}""", "application/merge-patch+json");
        Assert.Equal("""{"b":"2","c":"3"}""", merged["data"]!.ToJsonString());
        var (_, patched) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/p", """[{"op":"replace","path":"/data/b","value":"x"}]""", "application/json-patch+json");
        Assert.Equal("x", (string?)patched["data"]!["b"]);
        var (failed, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/p", """[{"op":"test","path":"/data/b","value":"y"}]""", "application/json-patch+json");
        Assert.Equal(422, failed);
        Assert.Equal("Invalid", (string?)status["reason"]);
    }

    [Fact]
    public async Task StrategicMergeMergesServicePortsByPort()
    {
        await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/api/v1/namespaces/default/services", """{"metadata":{"name":"svc"},"spec":{"ports":[{"name":"a","port":80},{"name":"b","port":81}]}}""");
        var (code, patched) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, "/api/v1/namespaces/default/services/svc", """{"spec":{"ports":[{"port":81,"name":"renamed"}]}}""", "application/strategic-merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal("a,renamed", string.Join(",", patched["spec"]!["ports"]!.AsArray().Select(p => (string)p!["name"]!)));
    }

    [Fact]
    public async Task StrategicMergeOnCustomResourceIsUnsupportedMediaType()
    {
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, $"{EsPath}/quickstart", "{}", "application/strategic-merge-patch+json");
        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", (string?)status["reason"]);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", (string?)status["message"]);
    }

    [Fact]
    public async Task ServerSideApplyCreatesRecordsManagerAndRemovesDroppedFields()
    {
        const string path = "/api/v1/namespaces/default/configmaps/applied?fieldManager=tests";
        var (created, first) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n  b: \"2\"\n", "application/apply-patch+yaml");
        Assert.Equal(201, created);
        Assert.Equal("tests", (string?)first["metadata"]!["managedFields"]![0]!["manager"]);
        var (_, second) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n", "application/apply-patch+yaml");
        Assert.Equal("""{"a":"1"}""", second["data"]!.ToJsonString());
    }

    [Fact]
    public async Task UnknownFieldsArePrunedAndGenerationCountsSpecChangesOnly()
    {
        var body = """{"apiVersion":"elasticsearch.k8s.elastic.co/v1","kind":"Elasticsearch","metadata":{"name":"pruned"},"spec":{"version":"9.1.0","bogus":true,"nodeSets":[{"name":"default","count":1}]}}""";
        var (created, es) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/default/elasticsearches", body);
        Assert.Equal(201, created);
        Assert.Null(es["spec"]!["bogus"]);
        Assert.Equal(1, (long)es["metadata"]!["generation"]!);
        var esPath = "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/default/elasticsearches/pruned";
        var (_, labelled) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, esPath, """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        Assert.Equal(1, (long)labelled["metadata"]!["generation"]!);
        var (_, changed) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, esPath, """{"spec":{"remoteClusterServer":{"enabled":true}}}""", "application/merge-patch+json");
        Assert.Equal(2, (long)changed["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task StrictFieldValidationRejectsUnknownFields()
    {
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, $"{EsPath}/quickstart?fieldValidation=Strict", """{"spec":{"bogus":1}}""", "application/merge-patch+json");
        Assert.Equal(400, code);
        Assert.Equal("Elasticsearch in version \"v1\" cannot be handled as a Elasticsearch: strict decoding error: unknown field \"spec.bogus\"", (string?)status["message"]);
    }

    [Fact]
    public async Task MissingRequiredAndWrongTypesAnswerInvalid()
    {
        var body = """{"apiVersion":"elasticsearch.k8s.elastic.co/v1","kind":"Elasticsearch","metadata":{"name":"bad"},"spec":{"version":"9.1.0","nodeSets":[{"name":"default","count":"three"}],"volumeClaimDeletePolicy":"Never"}}""";
        var (code, status) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/default/elasticsearches", body);
        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)status["reason"]);
        var causes = status["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]}|{c["message"]}").ToList();
        Assert.Contains("spec.nodeSets[0].count|Invalid value: \"string\": spec.nodeSets[0].count in body must be of type integer: \"string\"", causes);
        Assert.Contains("spec.volumeClaimDeletePolicy|Unsupported value: \"Never\": supported values: \"DeleteOnScaledownOnly\", \"DeleteOnScaledownAndClusterDeletion\"", causes);
        var (missing, required) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/default/elasticsearches",
            """{"apiVersion":"elasticsearch.k8s.elastic.co/v1","kind":"Elasticsearch","metadata":{"name":"bad2"},"spec":{"version":"9.1.0"}}""");
        Assert.Equal(422, missing);
        Assert.Equal("Elasticsearch.elasticsearch.k8s.elastic.co \"bad2\" is invalid: spec.nodeSets: Required value", (string?)required["message"]);
    }

    [Fact]
    public async Task StatusSubresourceIgnoresSpecAndMainResourceIgnoresStatus()
    {
        var (_, current) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{EsPath}/quickstart");
        var (_, viaMain) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, $"{EsPath}/quickstart", """{"status":{"phase":"Invalid"}}""", "application/merge-patch+json");
        Assert.Equal((string?)current["status"]!["phase"], (string?)viaMain["status"]!["phase"]);
        var (code, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{EsPath}/quickstart/status");
        Assert.Equal(200, code);
    }
}
