using System.Text.Json.Nodes;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// The whole error body Elasticsearch 8.14+ sends for a cross-cluster key whose search entry uses DLS/FLS next to
/// replication: CrossClusterApiKeyRoleDescriptorBuilder.build() fails inside the create request's ConstructingObjectParser.
/// </summary>
[Collection(SharedEsCollection.Name)]
public class CrossClusterKeyErrorTests(EsFixture fixture)
{
    private const string Reason = "search does not support document or field level security if replication is assigned";
    private const string FailedToBuild = "Failed to build [cross_cluster_api_key_request] after last required field arrived";

    [Fact]
    public async Task DocsExampleFailsWhileParsingItsLastFieldWithTheParsersLocation()
    {
        // All four constructor arguments present: the build runs when metadata (the last) arrives; the parser then stands on
        // metadata's closing brace, line 5 column 25.
        const string docsExample = """
            {"name":"my-cc-api-key","expiration":"1d",
             "access":{"search":[{"names":["logs*"],"query":{"term":{"category":"shared"}},
                                  "field_security":{"grant":["*"],"except":["private"]},"allow_restricted_indices":false}],
                       "replication":[{"names":["archive"]}]},
             "metadata":{"tag":"dev"}}
            """;
        using var client = fixture.EckClient();
        var (status, body, _) = await client.PostAsync("/_security/cross_cluster/api_key", docsExample);
        Assert.Equal(400, status);
        var expected = JsonNode.Parse("""
            {"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"FAILED_TO_BUILD"}],
                      "type":"x_content_parse_exception",
                      "reason":"[5:25] [cross_cluster_api_key_request] failed to parse field [metadata]",
                      "caused_by":{"type":"x_content_parse_exception","reason":"FAILED_TO_BUILD",
                                   "caused_by":{"type":"illegal_argument_exception","reason":"REASON"}}},
             "status":400}
            """.Replace("FAILED_TO_BUILD", FailedToBuild).Replace("REASON", Reason));
        Assert.Equal(expected!.ToJsonString(), body!.ToJsonString());
    }

    [Fact]
    public async Task WithoutTheOptionalFieldsTheBuildFailsAtTheEndOfTheObject()
    {
        using var client = fixture.EckClient();
        var (status, body, _) = await client.PostAsync("/_security/cross_cluster/api_key",
            """{"name":"k","access":{"search":[{"names":["a"],"field_security":{"grant":["*"]}}],"replication":[{"names":["a"]}]}}""");
        Assert.Equal(400, status);
        var expected = JsonNode.Parse("""
            {"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"FAILED_TO_BUILD"}],
                      "type":"x_content_parse_exception","reason":"FAILED_TO_BUILD",
                      "caused_by":{"type":"illegal_argument_exception","reason":"REASON"}},
             "status":400}
            """.Replace("FAILED_TO_BUILD", FailedToBuild).Replace("REASON", Reason));
        Assert.Equal(expected!.ToJsonString(), body!.ToJsonString());
    }

    [Fact]
    public async Task UpdateBuildsOutsideTheParserSoTheFailureComesPlain()
    {
        using var client = fixture.EckClient();
        var key = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(client, "dls-update");
        var id = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(key)).Split(':')[0];
        var (status, body, _) = await client.PutAsync($"/_security/cross_cluster/api_key/{id}",
            """{"access":{"replication":[{"names":["a"],"query":{"match_all":{}}}]}}""");
        Assert.Equal(400, status);
        Assert.Equal("illegal_argument_exception", (string?)body!["error"]!["type"]);
        Assert.Equal("replication does not support document or field level security", (string?)body["error"]!["reason"]);
    }
}
