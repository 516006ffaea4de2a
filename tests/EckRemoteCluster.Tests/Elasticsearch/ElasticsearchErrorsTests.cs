using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Engine.RemoteClusters;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.Elasticsearch;

public sealed class ElasticsearchErrorsTests
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
        var error = ElasticsearchErrors.From(new ElasticsearchResponse(status, ErrorBody("some_exception", "the reason")), new Client(), "GET /x");

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(category, error.Category);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction));
    }

    [Fact]
    public void MessageQuotesTheRequestTypeAndReason()
    {
        var body = ErrorBody("security_exception", "action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [bob]");

        var error = ElasticsearchErrors.From(new ElasticsearchResponse(403, body), new Client(), "POST /_security/cross_cluster/api_key", "key-1");

        Assert.Equal("Elasticsearch at https://es1:9200 answered 403 to POST /_security/cross_cluster/api_key [security_exception]: action [cluster:admin/xpack/security/cross_cluster/api_key/create] is unauthorized for user [bob]", error.Message);
        Assert.Equal("key-1", error.Target);
    }

    [Fact]
    public void RootCauseReasonStandsInForAnEmptyTopReason()
    {
        var body = JsonNode.Parse("""{"error":{"type":"x","root_cause":[{"type":"y","reason":"deeper reason"}]},"status":400}""");

        Assert.Contains("deeper reason", ElasticsearchErrors.From(new ElasticsearchResponse(400, body), new Client(), "PUT /x").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainTextErrorAndNoBodyAreStillReported()
    {
        Assert.Contains("Incorrect HTTP method", ElasticsearchErrors.From(new ElasticsearchResponse(405, JsonNode.Parse("""{"error":"Incorrect HTTP method"}""")), new Client(), "GET /x").Message, StringComparison.Ordinal);
        Assert.Contains("(no reason given)", ElasticsearchErrors.From(new ElasticsearchResponse(502, null), new Client(), "GET /x").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SuccessDoesNotThrow() => ElasticsearchErrors.ThrowUnlessSuccess(new ElasticsearchResponse(201, null), new Client(), "PUT /x");

    [Fact]
    public async Task RemoteClusterAndApiKeyRequestsReportA403Alike()
    {
        // The remote-cluster service once had its own mapper and called a 403 ElasticsearchPermissionDenied.
        var denied = ErrorBody("security_exception", "action [cluster:monitor/remote/info] is unauthorized for user [bob]");
        var client = new Answering(new ElasticsearchResponse(403, denied));
        var connection = new ElasticsearchConnection(client, "local", null, "9.1.0", "bob", "realm", "Direct", ["https://es1:9200"], null);

        var remote = await Assert.ThrowsAsync<EckRemoteClusterException>(() => new RemoteClusterService().GetAsync(client, "local", CancellationToken.None));
        var keys = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new CrossClusterApiKeyService().GetAsync(connection, null, null, false, new RecordingReporter(), CancellationToken.None));

        Assert.Equal("ElasticsearchForbidden", remote.ErrorId);
        Assert.Equal(remote.ErrorId, keys.ErrorId);
        Assert.Contains("New-ElasticsearchConnection", remote.RecommendedAction, StringComparison.Ordinal);
    }

    private static JsonNode ErrorBody(string type, string reason) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["reason"] = reason }, ["status"] = 400 };

    private sealed class Client : IElasticsearchClient
    {
        public string Description => "https://es1:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class Answering(ElasticsearchResponse response) : IElasticsearchClient
    {
        public string Description => "https://es1:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken) =>
            Task.FromResult(response);
    }
}
