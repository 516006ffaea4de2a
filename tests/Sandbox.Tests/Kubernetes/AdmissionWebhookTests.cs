using System.Text.Json.Nodes;
using Sandbox.Kubernetes;
using Sandbox.Operator;
using Xunit;

namespace Sandbox.Tests.Kubernetes;

/// <summary>ECK's validating webhook as the API's clients meet it: refused at admission, nothing stored.</summary>
public sealed class AdmissionWebhookTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private const string EsPath = "/apis/elasticsearch.k8s.elastic.co/v1/namespaces/elastic/elasticsearches";

    [Fact]
    public async Task CreatingARemoteClusterServerBelow810IsRefusedWithEck33sForbiddenStatus()
    {
        var (status, body) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, EsPath, Resource("too-old", "8.9.0", rcs: true));

        Assert.Equal(403, status);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal("Forbidden", (string?)body["reason"]);
        Assert.Equal(
            "admission webhook \"elastic-es-validation-v1.k8s.elastic.co\" denied the request: Elasticsearch.elasticsearch.k8s.elastic.co \"too-old\" is invalid: "
            + "spec.remoteClusterServer: Invalid value: \"8.9.0\": minimum required version for remote cluster server is 8.10.0-1 but desired version is 8.9.0",
            (string?)body["message"]);
        Assert.Null(body["details"]);
        var (missing, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Get, $"{EsPath}/too-old");
        Assert.Equal(404, missing);
    }

    [Fact]
    public async Task ADryRunIsReviewedToo()
    {
        var (status, body) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, $"{EsPath}?dryRun=All", Resource("dry", "8.9.0", rcs: true));
        Assert.Equal(403, status);
        Assert.StartsWith("admission webhook \"elastic-es-validation-v1.k8s.elastic.co\" denied the request", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnparseableVersionIsReportedOnceAndADowngradeIsRefusedOnUpdate()
    {
        var (status, body) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Post, EsPath, Resource("bad-version", "9.1", rcs: false));
        Assert.Equal(403, status);
        Assert.EndsWith(
            "\"bad-version\" is invalid: spec.version: Invalid value: \"9.1\": Cannot parse Elasticsearch version. String format must be {major}.{minor}.{patch}[-{label}]",
            (string?)body["message"], StringComparison.Ordinal);

        var (downgrade, refused) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, $"{EsPath}/quickstart",
            """{"spec":{"version":"9.0.0"}}""", "application/merge-patch+json");
        Assert.Equal(403, downgrade);
        Assert.EndsWith("\"quickstart\" is invalid: spec.version: Invalid value: \"9.0.0\": Downgrades are not supported", (string?)refused["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusWritesAreNotSentToTheWebhook()
    {
        var (status, _) = await ApiServerFixture.SendAsync(fixture.Admin, HttpMethod.Patch, $"{EsPath}/quickstart/status",
            """{"status":{"health":"green"}}""", "application/merge-patch+json");
        Assert.Equal(200, status);
    }

    [Fact]
    public void FromEck34TheRefusalIsTheValidatorsInvalidStatusWithCauses()
    {
        var webhooks = new ValidatingWebhooks();
        using var registration = webhooks.Register(new ElasticsearchValidatingWebhook(new EckOperatorOptions("3.4.0")));
        var obj = JsonNode.Parse(Resource("new-eck", "8.9.0", rcs: true))!.AsObject();

        var refused = Assert.Throws<KubernetesStatusException>(() =>
            webhooks.Validate(ResourceCatalog.Elasticsearch, "CREATE", obj, null, new WriteOptions(false, "Strict", null)));

        Assert.Equal(422, refused.Code);
        Assert.Equal("Invalid", refused.Reason);
        Assert.Equal("new-eck", (string?)refused.Details!["name"]);
        Assert.Equal("elasticsearch.k8s.elastic.co", (string?)refused.Details["group"]);
        Assert.Equal("Elasticsearch", (string?)refused.Details["kind"]);
        var cause = refused.Details["causes"]![0]!;
        Assert.Equal("spec.remoteClusterServer", (string?)cause["field"]);
        Assert.Equal("FieldValueInvalid", (string?)cause["reason"]);
        Assert.StartsWith("admission webhook \"elastic-es-validation-v1.k8s.elastic.co\" denied the request: Elasticsearch.elasticsearch.k8s.elastic.co \"new-eck\" is invalid: ", refused.Message, StringComparison.Ordinal);

        registration.Dispose();
        webhooks.Validate(ResourceCatalog.Elasticsearch, "CREATE", obj, null, new WriteOptions(false, "Strict", null));
    }

    private static string Resource(string name, string version, bool rcs) => new JsonObject
    {
        ["apiVersion"] = "elasticsearch.k8s.elastic.co/v1",
        ["kind"] = "Elasticsearch",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["version"] = version,
            ["nodeSets"] = new JsonArray(new JsonObject { ["name"] = "default", ["count"] = 1 }),
            ["remoteClusterServer"] = new JsonObject { ["enabled"] = rcs },
        },
    }.ToJsonString();
}
