using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;

namespace EckRemoteCluster.Tests.Elasticsearch;

public sealed class ElasticsearchFailuresTests
{
    [Theory]
    [InlineData(401, "ElasticsearchAuthenticationFailed", EckErrorCategory.AuthenticationError)]
    [InlineData(403, "ElasticsearchForbidden", EckErrorCategory.PermissionDenied)]
    [InlineData(404, "ElasticsearchNotFound", EckErrorCategory.ObjectNotFound)]
    [InlineData(409, "ElasticsearchConflict", EckErrorCategory.ResourceExists)]
    [InlineData(400, "ElasticsearchRequestRejected", EckErrorCategory.InvalidArgument)]
    [InlineData(429, "ElasticsearchUnavailable", EckErrorCategory.ResourceUnavailable)]
    [InlineData(503, "ElasticsearchUnavailable", EckErrorCategory.ResourceUnavailable)]
    [InlineData(500, "ElasticsearchRequestFailed", EckErrorCategory.InvalidOperation)]
    public void StatusMapsToErrorIdAndCategory(int status, string errorId, EckErrorCategory category)
    {
        var error = ElasticsearchFailures.From(new ElasticsearchResponse(status, ErrorBody("some_exception", "the reason")), new Client(), "GET /x");

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(category, error.Category);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction));
    }

    [Fact]
    public void MessageQuotesTheRequestTypeAndReason()
    {
        var body = ErrorBody("security_exception", "action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [bob]");

        var error = ElasticsearchFailures.From(new ElasticsearchResponse(403, body), new Client(), "POST /_security/cross_cluster/api_key", "key-1");

        Assert.Equal("Elasticsearch at https://es1:9200 answered 403 to POST /_security/cross_cluster/api_key [security_exception]: action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [bob]", error.Message);
        Assert.Equal("key-1", error.Target);
    }

    [Fact]
    public void RootCauseReasonStandsInForAnEmptyTopReason()
    {
        var body = JsonNode.Parse("""{"error":{"type":"x","root_cause":[{"type":"y","reason":"deeper reason"}]},"status":400}""");

        Assert.Contains("deeper reason", ElasticsearchFailures.From(new ElasticsearchResponse(400, body), new Client(), "PUT /x").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainTextErrorAndNoBodyAreStillReported()
    {
        Assert.Contains("Incorrect HTTP method", ElasticsearchFailures.From(new ElasticsearchResponse(405, JsonNode.Parse("""{"error":"Incorrect HTTP method"}""")), new Client(), "GET /x").Message, StringComparison.Ordinal);
        Assert.Contains("(no reason given)", ElasticsearchFailures.From(new ElasticsearchResponse(502, null), new Client(), "GET /x").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SuccessDoesNotThrow() => ElasticsearchFailures.ThrowUnlessSuccess(new ElasticsearchResponse(201, null), new Client(), "PUT /x");

    private static JsonNode ErrorBody(string type, string reason) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["reason"] = reason }, ["status"] = 400 };

    private sealed class Client : IElasticsearchClient
    {
        public string Description => "https://es1:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
