using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;

namespace EckRemoteCluster.Tests.Elasticsearch;

public sealed class CrossClusterApiKeyBodyTests
{
    private static readonly CrossClusterAccessRequest SearchLogs = new(["logs-*"], [], null, null, false);

    [Fact]
    public void CreateBodyTagsTheKeyWithTheModuleAndAlias()
    {
        var body = new CrossClusterApiKeyService().BuildCreateBody(new CrossClusterApiKeyRequest("for-dc1", "dc1", SearchLogs, "30d", null));

        AssertJson("""
            {"name":"for-dc1","access":{"search":[{"names":["logs-*"]}]},
             "metadata":{"managed-by":"EckRemoteCluster","remote-cluster-alias":"dc1"},"expiration":"30d"}
            """, body);
    }

    [Fact]
    public void UserMetadataIsKeptAndNotChanged()
    {
        var metadata = new JsonObject { ["team"] = "search" };

        var body = new CrossClusterApiKeyService().BuildCreateBody(new CrossClusterApiKeyRequest("k", null, SearchLogs, null, metadata));

        AssertJson("""{"team":"search","managed-by":"EckRemoteCluster"}""", body["metadata"]!);
        Assert.Null(body["expiration"]);
        Assert.Single(metadata);
    }

    [Fact]
    public void SearchCarriesQueryFieldSecurityAndRestrictedIndicesReplicationOnlyNames()
    {
        var access = new CrossClusterAccessRequest(
            ["logs-*"], ["metrics-*"], new JsonObject { ["term"] = new JsonObject { ["team"] = "a" } },
            new JsonObject { ["grant"] = new JsonArray("message") }, AllowRestrictedIndices: true);

        var body = new CrossClusterApiKeyService().BuildCreateBody(new CrossClusterApiKeyRequest("k", null, access, null, null));

        AssertJson("""
            {"search":[{"names":["logs-*"],"query":{"term":{"team":"a"}},"field_security":{"grant":["message"]},"allow_restricted_indices":true}],
             "replication":[{"names":["metrics-*"],"allow_restricted_indices":true}]}
            """, body["access"]!);
    }

    [Fact]
    public void InvalidNameIsRefusedBeforeAnythingIsSent()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() =>
            new CrossClusterApiKeyService().BuildCreateBody(new CrossClusterApiKeyRequest("_hidden", null, SearchLogs, null, null)));

        Assert.Equal("InvalidApiKeyName", error.ErrorId);
    }

    [Fact]
    public void ReservedMetadataKeyIsRefused()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() =>
            new CrossClusterApiKeyService().BuildCreateBody(new CrossClusterApiKeyRequest("k", null, SearchLogs, null, new JsonObject { ["_internal"] = 1 })));

        Assert.Equal("InvalidApiKeyMetadata", error.ErrorId);
    }

    [Fact]
    public void AccessWithNoPatternsIsRefused()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() =>
            new CrossClusterApiKeyService().BuildCreateBody(new CrossClusterApiKeyRequest("k", null, new CrossClusterAccessRequest([], [], null, null, false), null, null)));

        Assert.Equal("InvalidApiKeyAccess", error.ErrorId);
    }

    [Fact]
    public void UpdateBodyHasOnlyWhatChanges()
    {
        var service = new CrossClusterApiKeyService();

        AssertJson("""{"expiration":"1d"}""", service.BuildUpdateBody(null, null, "1d"));
        AssertJson("""{"access":{"replication":[{"names":["a"]}]},"metadata":{"x":1}}""",
            service.BuildUpdateBody(new CrossClusterAccessRequest([], ["a"], null, null, false), new JsonObject { ["x"] = 1 }, null));
    }

    [Fact]
    public void AnEmptyUpdateIsRefused()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => new CrossClusterApiKeyService().BuildUpdateBody(null, null, null));

        Assert.Equal("CrossClusterApiKeyUpdateEmpty", error.ErrorId);
    }

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {JsonNode.Parse(expected)!.ToJsonString()}\nbut got  {actual.ToJsonString()}");
}
